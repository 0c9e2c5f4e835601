// SPDX-License-Identifier: GPL-2.0-or-later
// The screen source against a real X server (a private Xvfb per test): what the X server says
// changed between two grabs (ScreenChanges: drawing on the root window and inside a window, a
// region of the screen, the cursor moving), a monitor and a window captured alone, and the whole path — x11grab
// pictures with their changed rows into the compositor — giving exactly the frames that converting every picture whole
// gives while parts of the screen are redrawn, with far fewer rows converted.
#include "ScreenChanges.hpp"

#include "ChildProcess.hpp"
#include "Scratch.hpp"

#include "hoststudio/media/Compositor.hpp"
#include "hoststudio/media/Sources.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <thread>

#include <xcb/xcb.h>

extern "C" {
#include <libavutil/frame.h>
}

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

// A private Xvfb (its display number from -displayfd) and a connection that draws on it.
class ScreenSourceTest : public ::testing::Test {
protected:
    void SetUp() override { startServer(1280, 720); }
    void TearDown() override
    {
        if (xcb_ != nullptr) {
            xcb_disconnect(xcb_);
        }
        server_.reset(); // SIGTERM, reaped
    }

    void startServer(int width, int height)
    {
        const std::string scratch = hoststudio::testing::scratchDirectory("screen-source");
        std::string why;
        server_ = hoststudio::testing::ChildProcess::start(
            {HOSTSTUDIO_XVFB_EXECUTABLE, "-displayfd", "1", "-screen", "0",
             std::to_string(width) + "x" + std::to_string(height) + "x24", "-nolisten", "tcp", "-noreset"},
            scratch + "/xvfb.out", why);
        ASSERT_TRUE(server_) << why;
        const auto number = server_->waitForOutput(std::regex(R"((\d+)\n)"), 20s);
        ASSERT_TRUE(number) << "Xvfb did not start";
        display_ = ":" + *number;
        xcb_ = xcb_connect(display_.c_str(), nullptr);
        ASSERT_EQ(xcb_connection_has_error(xcb_), 0);
        root_ = xcb_setup_roots_iterator(xcb_get_setup(xcb_)).data->root;
        gc_ = xcb_generate_id(xcb_);
        xcb_create_gc(xcb_, gc_, root_, 0, nullptr);
        fill(root_, 0, 0, static_cast<std::uint16_t>(width), static_cast<std::uint16_t>(height), 0x2040c0);
    }

    // Fills a rectangle of `window` with 0xRRGGBB and waits until the server has done it.
    void fill(xcb_drawable_t window, std::int16_t x, std::int16_t y, std::uint16_t width, std::uint16_t height,
              std::uint32_t colour)
    {
        xcb_change_gc(xcb_, gc_, XCB_GC_FOREGROUND, &colour);
        const xcb_rectangle_t rectangle{x, y, width, height};
        xcb_poly_fill_rectangle(xcb_, window, gc_, 1, &rectangle);
        sync();
    }
    void sync() { std::free(xcb_get_input_focus_reply(xcb_, xcb_get_input_focus(xcb_), nullptr)); }
    // A window of another client, shown (override-redirect: no window manager here).
    xcb_window_t mapWindow(std::int16_t x, std::int16_t y, std::uint16_t width, std::uint16_t height)
    {
        const xcb_window_t window = xcb_generate_id(xcb_);
        const std::uint32_t overrideRedirect = 1;
        xcb_create_window(xcb_, XCB_COPY_FROM_PARENT, window, root_, x, y, width, height, 0,
                          XCB_WINDOW_CLASS_INPUT_OUTPUT, XCB_COPY_FROM_PARENT, XCB_CW_OVERRIDE_REDIRECT,
                          &overrideRedirect);
        xcb_map_window(xcb_, window);
        sync();
        return window;
    }

    std::unique_ptr<hoststudio::testing::ChildProcess> server_;
    std::string display_;
    xcb_connection_t* xcb_ = nullptr;
    xcb_window_t root_ = 0;
    xcb_gcontext_t gc_ = 0;
};

TEST_F(ScreenSourceTest, DrawingOnTheRootWindowIsReportedForTwoGrabsThenNothing)
{
    auto changes = detail::ScreenChanges::open(display_, std::nullopt, false);
    ASSERT_TRUE(changes) << "the X server has DAMAGE and XFixes";
    EXPECT_TRUE(changes->afterGrab().covers(720)); // the first grab: everything
    (void)changes->afterGrab();                    // a new damage object holds the whole window: the second grab too
    EXPECT_TRUE(changes->afterGrab().empty()) << "nothing drawn since";
    fill(root_, 100, 300, 200, 40, 0xc02020);
    const ChangedRows changed = changes->afterGrab();
    EXPECT_EQ(changed, (ChangedRows{300, 340}));
    // Drawn before this fetch, perhaps after the grab: the next grab may be the first to show it.
    EXPECT_EQ(changes->afterGrab(), (ChangedRows{300, 340}));
    EXPECT_TRUE(changes->afterGrab().empty());
    fill(root_, 0, 10, 10, 2, 0x000000);
    fill(root_, 500, 700, 10, 20, 0x000000);
    EXPECT_EQ(changes->afterGrab(), (ChangedRows{10, 720}));
}

TEST_F(ScreenSourceTest, DrawingInsideAWindowAndARegionOfTheScreen)
{
    const xcb_window_t window = mapWindow(200, 400, 300, 100);
    auto whole = detail::ScreenChanges::open(display_, std::nullopt, false);
    auto region = detail::ScreenChanges::open(display_, ScreenRegion{0, 420, 1280, 200}, false);
    ASSERT_TRUE(whole && region);
    for (int grab = 0; grab < 2; ++grab) {
        (void)whole->afterGrab();
        (void)region->afterGrab();
    }
    EXPECT_TRUE(whole->afterGrab().empty());
    EXPECT_TRUE(region->afterGrab().empty());
    fill(window, 10, 10, 50, 30, 0x20c040); // screen rows 410–439
    EXPECT_EQ(whole->afterGrab(), (ChangedRows{410, 440}));
    EXPECT_EQ(region->afterGrab(), (ChangedRows{0, 20})) << "the region's own rows (it starts at 420)";
    (void)whole->afterGrab();
    (void)region->afterGrab();
    fill(root_, 0, 100, 1280, 50, 0x000000); // above the region
    EXPECT_EQ(whole->afterGrab(), (ChangedRows{100, 150}));
    EXPECT_TRUE(region->afterGrab().empty());
}

TEST_F(ScreenSourceTest, AMovingCursorCountsAsChangedEverywhereWhenItIsDrawn)
{
    auto drawn = detail::ScreenChanges::open(display_, std::nullopt, true);
    auto hidden = detail::ScreenChanges::open(display_, std::nullopt, false);
    ASSERT_TRUE(drawn && hidden);
    for (int grab = 0; grab < 3; ++grab) {
        (void)drawn->afterGrab();
        (void)hidden->afterGrab();
    }
    EXPECT_TRUE(drawn->afterGrab().empty());
    xcb_warp_pointer(xcb_, XCB_NONE, root_, 0, 0, 0, 0, 100, 100); // from the middle
    sync();
    EXPECT_TRUE(drawn->afterGrab().covers(720));
    EXPECT_TRUE(drawn->afterGrab().covers(720)) << "and the grab after it";
    EXPECT_TRUE(drawn->afterGrab().empty());
    EXPECT_TRUE(hidden->afterGrab().empty()) << "not drawn: the cursor changes nothing";
}

// The first picture the source delivers (started now), or null after two seconds.
std::shared_ptr<const AVFrame> firstPicture(VideoSource& source)
{
    source.start(SteadyClock::now());
    for (int attempt = 0; attempt < 200; ++attempt) {
        VideoSample sample = source.latest(0us);
        if (sample.frame) {
            source.stop();
            return sample.frame;
        }
        std::this_thread::sleep_for(10ms);
    }
    source.stop();
    return nullptr;
}

// The BGR0 pixel at (x, y) as 0xRRGGBB.
std::uint32_t rgbAt(const AVFrame* picture, int x, int y)
{
    const std::uint8_t* pixel = picture->data[0] + static_cast<std::ptrdiff_t>(y) * picture->linesize[0] + 4 * x;
    return (std::uint32_t{pixel[2]} << 16) | (std::uint32_t{pixel[1]} << 8) | pixel[0];
}

TEST_F(ScreenSourceTest, MonitorsAreListedAndOneIsCapturedAlone)
{
    const auto monitors = listScreenMonitors(display_);
    ASSERT_TRUE(monitors) << monitors.error().detail();
    ASSERT_FALSE(monitors->empty()) << "Xvfb's RandR names its one monitor";
    const ScreenMonitor& monitor = monitors->front();
    EXPECT_EQ(monitor.area.width, 1280);
    EXPECT_EQ(monitor.area.height, 720);
    ScreenCaptureOptions options;
    options.display = display_;
    options.monitor = monitor.name;
    options.drawCursor = false; // the pointer rests in the middle
    auto opened = openSource(*SourceSpec::parse("screen"), 1280, 720, options, {});
    ASSERT_TRUE(opened) << opened.error().detail();
    const auto picture = firstPicture(*opened->video);
    ASSERT_TRUE(picture);
    EXPECT_EQ(picture->width, 1280);
    EXPECT_EQ(rgbAt(picture.get(), 640, 360), 0x2040c0U);

    options.monitor = "nope";
    const auto unknown = openSource(*SourceSpec::parse("screen"), 1280, 720, options, {});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().detail().find("no monitor 'nope'"), std::string::npos);
    EXPECT_NE(unknown.error().detail().find(monitor.name + " (1280x720+0+0)"), std::string::npos)
        << unknown.error().detail();
}

TEST_F(ScreenSourceTest, AWindowIsCapturedAloneWithItsOwnRowsChanged)
{
    const xcb_window_t window = mapWindow(100, 100, 320, 200);
    fill(window, 0, 0, 320, 200, 0x10b040);
    ScreenCaptureOptions options;
    options.display = display_;
    options.window = window;
    options.drawCursor = false;
    auto opened = openSource(*SourceSpec::parse("screen"), 1280, 720, options, {});
    ASSERT_TRUE(opened) << opened.error().detail();
    const auto picture = firstPicture(*opened->video);
    ASSERT_TRUE(picture);
    EXPECT_EQ(picture->width, 320);
    EXPECT_EQ(picture->height, 200);
    EXPECT_EQ(rgbAt(picture.get(), 160, 100), 0x10b040U);

    auto changes = detail::ScreenChanges::open(display_, std::nullopt, false, window);
    ASSERT_TRUE(changes);
    for (int grab = 0; grab < 2; ++grab) {
        (void)changes->afterGrab();
    }
    EXPECT_TRUE(changes->afterGrab().empty());
    fill(root_, 600, 10, 100, 100, 0x000000); // beside the window: not its picture
    EXPECT_TRUE(changes->afterGrab().empty());
    fill(window, 0, 50, 40, 10, 0xffffff);
    EXPECT_EQ(changes->afterGrab(), (ChangedRows{50, 60})) << "the window's own rows";

    options.window = 0x7ffffff; // nobody's
    const auto missing = openSource(*SourceSpec::parse("screen"), 1280, 720, options, {});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().detail().find("check the window id"), std::string::npos) << missing.error().detail();
}

// Output frames (YUV 4:2:0) and their comparison.
std::unique_ptr<AVFrame, void (*)(AVFrame*)> newFrame()
{
    return {av_frame_alloc(), [](AVFrame* frame) { av_frame_free(&frame); }};
}
bool allocate(AVFrame* frame, int width, int height)
{
    frame->format = AV_PIX_FMT_YUV420P;
    frame->width = width;
    frame->height = height;
    return av_frame_get_buffer(frame, 0) == 0;
}
bool samePlanes(const AVFrame* a, const AVFrame* b)
{
    for (int plane = 0; plane < 3; ++plane) {
        const int width = plane == 0 ? a->width : a->width / 2;
        const int height = plane == 0 ? a->height : a->height / 2;
        for (int y = 0; y < height; ++y) {
            if (std::memcmp(a->data[plane] + static_cast<std::ptrdiff_t>(y) * a->linesize[plane],
                            b->data[plane] + static_cast<std::ptrdiff_t>(y) * b->linesize[plane],
                            static_cast<std::size_t>(width)) != 0) {
                return false;
            }
        }
    }
    return true;
}

TEST_F(ScreenSourceTest, TheCompositorFedByTheScreenSourceGivesTheWholeConversionsFrames)
{
    // A 1920x1080 screen into a 720p stream (two thirds), as most hosts present.
    TearDown();
    startServer(1920, 1080);
    ScreenCaptureOptions options;
    options.display = display_;
    options.drawCursor = false;
    auto opened = openSource(*SourceSpec::parse("screen"), 1280, 720, options, {});
    ASSERT_TRUE(opened) << opened.error().detail();
    VideoSource& source = *opened->video;
    source.start(SteadyClock::now());
    Compositor kept(1280, 720, Layout::screen, PipSettings{});
    const auto output = newFrame();
    ASSERT_TRUE(allocate(output.get(), 1280, 720));
    std::mt19937 random(7);
    std::uint64_t lastSequence = 0;
    int frames = 0;
    int partial = 0;
    const auto until = std::chrono::steady_clock::now() + 6s;
    while (std::chrono::steady_clock::now() < until && frames < 120) {
        // Now and then a rectangle somewhere, as a slide's pointer or a clock would change.
        if (random() % 3 == 0) {
            fill(root_, static_cast<std::int16_t>(random() % 1800), static_cast<std::int16_t>(random() % 1000),
                 static_cast<std::uint16_t>(20 + random() % 100), static_cast<std::uint16_t>(4 + random() % 60),
                 static_cast<std::uint32_t>(random() & 0xffffff));
        }
        std::this_thread::sleep_for(15ms);
        const VideoSample sample = source.latest(0us);
        if (!sample.frame || sample.sequence == lastSequence) {
            continue;
        }
        lastSequence = sample.sequence;
        partial += sample.changed.covers(1080) ? 0 : 1;
        kept.compose(output.get(), SlotPicture{sample.frame.get(), sample.sequence, sample.changed}, {});
        Compositor whole(1280, 720, Layout::screen, PipSettings{});
        const auto expected = newFrame();
        ASSERT_TRUE(allocate(expected.get(), 1280, 720));
        whole.compose(expected.get(), sample.frame.get(), nullptr);
        ASSERT_TRUE(samePlanes(output.get(), expected.get())) << "frame " << frames << ", sequence " << sample.sequence;
        ++frames;
    }
    source.stop();
    EXPECT_GE(frames, 60);
    EXPECT_GE(partial, frames / 2) << "most pictures said which rows changed";
    // Converting each picture whole would be 1080 source rows a frame.
    EXPECT_LT(kept.rowsConverted(), static_cast<std::uint64_t>(frames) * 1080 / 2);
}

} // namespace
} // namespace hoststudio::media
