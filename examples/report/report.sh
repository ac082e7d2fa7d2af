#!/bin/bash
# The example's streaming handler: with `responseStreaming: true` the construct sets
# LAMBDA_RESPONSE_MODE=streaming, and the shell runtime sends each piece the handler
# writes to stdout as it writes it (runtime/shell/README.md, "Response streaming").

# Sourced once at init: the number of steps, from the function's environment.
REPORT_STEPS="${REPORT_STEPS:-3}"

# Called once per event: one line per step, printed as each step finishes.
report() {
  local step
  for ((step = 1; step <= REPORT_STEPS; step++)); do
    sleep 0.3 # the step's work
    printf 'step %s of %s done (request %s)\n' "$step" "$REPORT_STEPS" "$LAMBDA_REQUEST_ID"
  done
}
