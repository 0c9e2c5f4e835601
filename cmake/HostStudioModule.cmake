# hoststudio_add_module(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
#
# Declares the library hoststudio_<name> (static, or shared with HOSTSTUDIO_SHARED_MODULES) with the alias HostStudio::<name>.
# Public headers live in include/hoststudio/<name>/, sources in src/<name>/.
# Compiler warnings and sanitizer flags are applied the same way to every module.

function(hoststudio_apply_build_flags target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion
    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(HOSTSTUDIO_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Debug information compressed in objects and executables: a third of the size on disk; gdb and the
# sanitizers' symbolizers read it as it is.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-gz HOSTSTUDIO_HAS_GZ)
if(HOSTSTUDIO_HAS_GZ)
  add_compile_options(-gz)
  add_link_options(-gz)
endif()

if(HOSTSTUDIO_SHARED_MODULES)
  set(HOSTSTUDIO_MODULE_KIND SHARED)
else()
  set(HOSTSTUDIO_MODULE_KIND STATIC)
endif()

if(HOSTSTUDIO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "HOSTSTUDIO_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  # Libraries get coverage instrumentation; only fuzz targets link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(HOSTSTUDIO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

if(HOSTSTUDIO_THREAD_SANITIZER)
  if(HOSTSTUDIO_SANITIZE)
    message(FATAL_ERROR "ThreadSanitizer and AddressSanitizer cannot be combined: use the 'tsan' or the 'asan' preset")
  endif()
  # GCC warns that TSan does not model atomic_thread_fence (used by Boost.Asio); it stays a warning only.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
endif()

function(hoststudio_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  set(target hoststudio_${name})
  add_library(${target} ${HOSTSTUDIO_MODULE_KIND} ${ARG_SOURCES})
  add_library(HostStudio::${name} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    "${PROJECT_SOURCE_DIR}/include"
    "${PROJECT_BINARY_DIR}/include")
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME hoststudio-${name})
  hoststudio_apply_build_flags(${target})
endfunction()

# hoststudio_add_gtest(<name> SOURCES ... LIBS ... [LABELS ...] [ENVIRONMENT ...] [OWN_MAIN])
# A GoogleTest executable whose tests CTest discovers one by one. Tests link libraries, never the app.
function(hoststudio_add_gtest name)
  cmake_parse_arguments(ARG "OWN_MAIN" "" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock)
  if(NOT ARG_OWN_MAIN)
    target_link_libraries(${name} PRIVATE GTest::gtest_main)
  endif()
  target_compile_definitions(${name} PRIVATE
    HOSTSTUDIO_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    HOSTSTUDIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  hoststudio_apply_build_flags(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set(properties LABELS "${ARG_LABELS}")
  if(ARG_ENVIRONMENT)
    list(APPEND properties ENVIRONMENT "${ARG_ENVIRONMENT}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES TEST_PREFIX "${name}." PROPERTIES ${properties})
endfunction()
