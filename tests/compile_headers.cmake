# tests/compile_headers.cmake: compiles every livesend header on its own, as a strict consumer
# would: -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Werror, with each
# compiler given (g++ and clang++ when installed), so that a header that leans on another's
# includes, or a line that warns under one compiler only, is caught here.
#
#   cmake -DCOMPILERS="g++|clang++" -DINCLUDE_DIR=include -DSYSTEM_DIRS="a|b"
#         -DHEADERS="livesend/parse.hpp|..." -DWORK_DIR=dir -P compile_headers.cmake
#
# Exits 77 (ctest: skipped) when no compiler is given.

string(REPLACE "|" ";" compilers "${COMPILERS}")
string(REPLACE "|" ";" headers "${HEADERS}")
string(REPLACE "|" ";" system_dirs "${SYSTEM_DIRS}")
list(REMOVE_ITEM compilers "" "NOTFOUND")
if(NOT compilers)
  message("no g++ or clang++ found: skipped")
  cmake_language(EXIT 77)
endif()

set(flags -std=c++17 -fsyntax-only -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion
          -Wshadow -Werror)
set(includes "-I${INCLUDE_DIR}")
list(REMOVE_DUPLICATES system_dirs)
foreach(dir IN LISTS system_dirs)
  # The compilers' own directories stay theirs: -isystem /usr/include breaks #include_next.
  if(dir AND NOT dir MATCHES "^/usr(/local)?/include/?$")
    list(APPEND includes "-isystem" "${dir}")
  endif()
endforeach()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(failed "")
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER "${header}" name)
  set(source "${WORK_DIR}/${name}.cpp")
  file(WRITE "${source}" "#include \"${header}\"\n#include \"${header}\"\n")
  foreach(cxx IN LISTS compilers)
    execute_process(
      COMMAND "${cxx}" ${flags} ${includes} "${source}"
      RESULT_VARIABLE status
      OUTPUT_VARIABLE output
      ERROR_VARIABLE output)
    if(status EQUAL 0)
      message("ok    ${cxx} ${header}")
    else()
      message("FAIL  ${cxx} ${header}\n${output}")
      list(APPEND failed "${cxx} ${header}")
    endif()
  endforeach()
endforeach()
if(failed)
  string(REPLACE ";" "\n  " failed "${failed}")
  message(FATAL_ERROR "headers that do not compile on their own, warning-free:\n  ${failed}")
endif()
