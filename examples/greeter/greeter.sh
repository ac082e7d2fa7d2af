#!/bin/bash
# The example's handler, for the built-in shell runtime (see the README's "Shell handler contract").
# Sourced once at init: state set here is shared by every invocation of this runtime process.
GREETING="${GREETING:-Hello}"

# Called once per event: the event is on stdin, stdout is the response, a non-zero status is an error.
greet() {
  local event name
  event="$(cat)"
  # Pull "name" out of a flat JSON object with bash alone (the runtime image has no jq).
  if [[ $event =~ \"name\"[[:space:]]*:[[:space:]]*\"([^\"\\]*)\" ]]; then
    name="${BASH_REMATCH[1]}"
  else
    # A failed handler's stdout becomes the errorMessage of the error report.
    echo "no \"name\" in the event: $event"
    return 1
  fi
  echo "greeting $name (request $LAMBDA_REQUEST_ID)" >&2
  printf '{"message":"%s, %s!"}' "$GREETING" "$name"
}
