#!/usr/bin/env bash
# Runs the window's stack test with a microphone: PulseAudio with a 440 Hz sine source as the
# default source, private to this test (its own runtime directory), stopped by its pid.
# Usage: window_test.sh TEST_BINARY
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/integration/lib.sh
source "$here/../lib.sh"
# shellcheck source=tests/integration/media/scene_lib.sh
source "$here/../media/scene_lib.sh"
tmp=
hs_make_tmpdir tmp
hs_start_pulse "$tmp"
status=0
"$1" || status=$?
exit "$status"
