# tests/package/package_test.cmake: the steps of the packaging tests, run with `cmake -P`.
#
# MODE=install
#   BUILD_DIR   the configured and built livesend tree to install
#   PREFIX      the install prefix; emptied first
#   CONFIG      the configuration (may be empty with single-config generators)
#   EXPECT      files that must exist below PREFIX afterwards, separated by `|`
#
# MODE=consumer
#   SOURCE_DIR     the consumer project
#   BINARY_DIR     its build directory; emptied first so every run configures from scratch
#   INITIAL_CACHE  a `cmake -C` script with the compiler, build type and search paths
#   GENERATOR, GENERATOR_PLATFORM, GENERATOR_TOOLSET   those of the outer build
#   CONFIG         the configuration to build
#   EXECUTABLE     the file name of the program the project builds
#   INPUT          the argument to run it with; it must exit 0
#
# MODE=fresh_install   the README's install from a source tree: configure (tests and CLI off),
#                      build, install
#   SOURCE_DIR, BINARY_DIR, PREFIX, INITIAL_CACHE, GENERATOR...   as above
#   EXPECT         files that must exist below PREFIX afterwards, separated by `|`
#
# MODE=compile   a plain compiler command, as a user without CMake writes it
#   COMPILER       the C++ compiler
#   ARGS           its arguments, separated by `|`
#   PKG_CONFIG     pkg-config and PKG_CONFIG_PATH, PKG_MODULES: their flags are appended
#   COPY_FROM, COPY_TO   a directory copied first (COPY_TO emptied)
#   PROGRAM, INPUT the program built, run with INPUT; it must exit 0 (when PROGRAM is set)
#   EXPECT_ERROR   instead: the compiler must fail, its output matching this regex, with at
#                  most 3 errors (one clear message, not pages of them)
cmake_minimum_required(VERSION 3.21)

function(run_step what)
  execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc})")
  endif()
endfunction()

set(config_args)
if(CONFIG)
  set(config_args --config "${CONFIG}")
endif()

if(MODE STREQUAL "install")
  # A DESTDIR from the environment would send the files somewhere else.
  unset(ENV{DESTDIR})
  file(REMOVE_RECURSE "${PREFIX}")
  run_step("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${config_args})

  string(REPLACE "|" ";" expected "${EXPECT}")
  foreach(file IN LISTS expected)
    if(NOT EXISTS "${PREFIX}/${file}")
      message(FATAL_ERROR "the install did not produce ${PREFIX}/${file}")
    endif()
  endforeach()
  message(STATUS "installed into ${PREFIX}")

elseif(MODE STREQUAL "consumer")
  file(REMOVE_RECURSE "${BINARY_DIR}")

  set(generator_args -G "${GENERATOR}")
  if(GENERATOR_PLATFORM)
    list(APPEND generator_args -A "${GENERATOR_PLATFORM}")
  endif()
  if(GENERATOR_TOOLSET)
    list(APPEND generator_args -T "${GENERATOR_TOOLSET}")
  endif()

  run_step("configure" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" ${generator_args}
           -C "${INITIAL_CACHE}")
  run_step("build" "${CMAKE_COMMAND}" --build "${BINARY_DIR}" ${config_args})

  # Single-config generators put the program in the build directory, multi-config ones in a
  # directory per configuration.
  set(program "")
  foreach(candidate IN ITEMS "${BINARY_DIR}/${EXECUTABLE}" "${BINARY_DIR}/${CONFIG}/${EXECUTABLE}")
    if(NOT program AND EXISTS "${candidate}" AND NOT IS_DIRECTORY "${candidate}")
      set(program "${candidate}")
    endif()
  endforeach()
  if(NOT program)
    message(FATAL_ERROR "the build produced no ${EXECUTABLE} in ${BINARY_DIR}")
  endif()

  run_step("run" "${program}" "${INPUT}")

elseif(MODE STREQUAL "fresh_install")
  unset(ENV{DESTDIR})
  file(REMOVE_RECURSE "${BINARY_DIR}" "${PREFIX}")
  run_step("configure" "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
           -C "${INITIAL_CACHE}" -DCMAKE_BUILD_TYPE=Release -DLIVESEND_BUILD_TESTS=OFF
           -DLIVESEND_BUILD_CLI=OFF)
  run_step("build" "${CMAKE_COMMAND}" --build "${BINARY_DIR}")
  run_step("install" "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${PREFIX}")
  string(REPLACE "|" ";" expected "${EXPECT}")
  foreach(file IN LISTS expected)
    if(NOT EXISTS "${PREFIX}/${file}")
      message(FATAL_ERROR "the install did not produce ${PREFIX}/${file}")
    endif()
  endforeach()

elseif(MODE STREQUAL "compile")
  if(COPY_TO)
    file(REMOVE_RECURSE "${COPY_TO}")
    file(COPY "${COPY_FROM}" DESTINATION "${COPY_TO}")
  endif()
  string(REPLACE "|" ";" args "${ARGS}")
  if(PKG_CONFIG)
    set(ENV{PKG_CONFIG_PATH} "${PKG_CONFIG_PATH}")
    execute_process(
      COMMAND "${PKG_CONFIG}" --cflags --libs ${PKG_MODULES}
      OUTPUT_VARIABLE pc_flags
      OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ECHO STDOUT RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "pkg-config --cflags --libs ${PKG_MODULES} failed (${rc})")
    endif()
    separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
    list(APPEND args ${pc_flags})
  endif()
  if(EXPECT_ERROR)
    execute_process(COMMAND "${COMPILER}" ${args} COMMAND_ECHO STDOUT RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc EQUAL 0)
      message(FATAL_ERROR "the compiler accepted what it must refuse")
    endif()
    if(NOT out MATCHES "${EXPECT_ERROR}")
      message(FATAL_ERROR "the compiler's output does not match `${EXPECT_ERROR}`:\n${out}")
    endif()
    string(REGEX MATCHALL "error:" errors "${out}")
    list(LENGTH errors count)
    if(count GREATER 3)
      message(FATAL_ERROR "refused, but with ${count} errors, not one clear message:\n${out}")
    endif()
    message(STATUS "refused as expected (${count} errors):\n${out}")
  else()
    run_step("compile" "${COMPILER}" ${args})
    if(PROGRAM)
      run_step("run" "${PROGRAM}" "${INPUT}")
    endif()
  endif()

else()
  message(FATAL_ERROR "MODE must be install, consumer, fresh_install or compile, not `${MODE}`")
endif()
