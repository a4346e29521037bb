# cmake/livesend_format.cmake: a ctest that fails on code clang-format would change.
include_guard(GLOBAL)

find_program(
  LIVESEND_CLANG_FORMAT
  NAMES clang-format-14 clang-format
  DOC "clang-format used by the `format` test and the `fix-format` target")
mark_as_advanced(LIVESEND_CLANG_FORMAT)

# livesend_add_format_test(DIRECTORIES <dir>...)
#
# Registers the ctest `format` (label "format"): `clang-format --dry-run --Werror` over every
# *.hpp and *.cpp under the given directories of the source tree. Also adds a `fix-format`
# target that rewrites the same files in place. Files are globbed at configure time; the glob
# is re-checked on every build (CONFIGURE_DEPENDS). Without clang-format nothing is registered.
function(livesend_add_format_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "DIRECTORIES")

  if(NOT LIVESEND_CLANG_FORMAT)
    message(STATUS "livesend: clang-format not found, the `format` test is not registered")
    return()
  endif()

  set(patterns)
  foreach(dir IN LISTS arg_DIRECTORIES)
    list(APPEND patterns "${PROJECT_SOURCE_DIR}/${dir}/*.hpp" "${PROJECT_SOURCE_DIR}/${dir}/*.cpp")
  endforeach()
  file(GLOB_RECURSE candidates CONFIGURE_DEPENDS ${patterns})

  # A build directory inside one of those directories holds generated sources: skip them.
  set(files)
  foreach(file IN LISTS candidates)
    string(FIND "${file}" "${PROJECT_BINARY_DIR}/" in_build)
    if(NOT in_build EQUAL 0)
      file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${file}")
      list(APPEND files "${rel}")
    endif()
  endforeach()
  list(SORT files)

  if(NOT files)
    message(STATUS "livesend: no sources to check, the `format` test is not registered")
    return()
  endif()

  add_test(
    NAME format
    COMMAND "${LIVESEND_CLANG_FORMAT}" --style=file --dry-run --Werror ${files}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(format PROPERTIES LABELS format)

  if(NOT TARGET fix-format)
    add_custom_target(
      fix-format
      COMMAND "${LIVESEND_CLANG_FORMAT}" --style=file -i ${files}
      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
      COMMENT "clang-format -i over include/, tests/, examples/, benchmarks/"
      VERBATIM)
  endif()
endfunction()
