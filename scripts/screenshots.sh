#!/usr/bin/env bash
# Regenerates the studio window's screenshots in docs/screenshots/ from the widget tests, on a
# private virtual X display: idle, the preview before Go Live, going live, Go Live failed, the
# first-run key dialog, settings (widget tests on test parts), and live with chat (the window on a
# private local stack, test pattern, sine microphone).
#
#   scripts/screenshots.sh        (after scripts/dev setup; uses build/dev)
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=$repo/build/dev
out=$repo/docs/screenshots
ui_tests=$build/tests/ui/ui_tests
[[ -x $ui_tests ]] || { echo "screenshots: build first (scripts/dev setup): no $ui_tests" >&2; exit 1; }
command -v Xvfb >/dev/null || { echo "screenshots: needs Xvfb (apt-get install xvfb)" >&2; exit 1; }

display=
for n in $(seq 90 120); do
  [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] || { display=:$n; break; }
done
[[ -n $display ]] || { echo "screenshots: no free X display" >&2; exit 1; }
Xvfb "$display" -screen 0 1280x720x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true' EXIT
for _ in $(seq 50); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display
mkdir -p "$out"

HOSTSTUDIO_SCREENSHOT_DIR=$out "$ui_tests" --gtest_brief=1 --gtest_filter='MainWindowTest.FitsA720pScreenAndSavesAScreenshot:GoLiveWindowTest.WhileGoingLive*:GoLiveWindowTest.AnIngestFailureMarksItsStepAndSaysWhy:GoLiveWindowTest.AFirstGoLiveWithoutAKeyMakesOneInADialogAndGoesOn:GoLiveWindowTest.ThePreviewAndTheMeterRunBeforeGoLive*:SettingsDialogTest.ShowsTheSettingsAndWhereSecretsAreKept'
mv -f "$out/main-window.png" "$out/idle.png"
mv -f "$out/go-live-failed.png" "$out/failed.png"

# Live with chat: the window on the local stack (its ctest fixture starts and stops the stack).
ctest --test-dir "$build" -R '^(stack\.start|integration\.ui_window_golive|stack\.stop)$' --output-on-failure >/dev/null
cp -f "$build/screenshots/live-window.png" "$out/live.png"
ls -1 "$out"
