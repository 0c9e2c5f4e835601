# Every third-party dependency of HostStudio, found once, as imported targets.
# The Debian package that provides each is listed in scripts/packages/apt.txt.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets Multimedia Network Test)
set(CMAKE_AUTOMOC ON)
set(CMAKE_AUTOUIC ON)
set(CMAKE_AUTORCC ON)
set(CMAKE_AUTOUIC_SEARCH_PATHS "${PROJECT_SOURCE_DIR}/ui")

# Beast, Asio and Boost.System are header-only in 1.74.
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)

pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavcodec libavformat libavutil libswscale libswresample libavdevice)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
# The screen source asks the X server what changed (DAMAGE, XFixes regions and cursor events) and
# which monitors it has (RandR).
pkg_check_modules(XCB REQUIRED IMPORTED_TARGET xcb xcb-damage xcb-xfixes xcb-randr)

if(HOSTSTUDIO_BUILD_TESTS)
  find_package(GTest 1.10 REQUIRED)
endif()
