#!/bin/bash
# A handler for the built-in shell runtime: the event arrives on stdin, stdout is the response.
handler() {
  printf '{"echo":%s}' "$(cat)"
}
