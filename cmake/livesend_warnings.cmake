# cmake/livesend_warnings.cmake: the warning flags of livesend's own targets.
#
# For the tests, examples and benchmarks only. The library target carries no warning flags:
# they would leak into every program that links it.
include_guard(GLOBAL)

# Off by default, so that a user who builds the tests with flags of their own (a sanitizer, another
# compiler) is not stopped by a warning inside a system header; the presets turn it on.
option(LIVESEND_WARNINGS_AS_ERRORS "Turn warnings into errors in livesend's own targets" OFF)
mark_as_advanced(LIVESEND_WARNINGS_AS_ERRORS)

# livesend_target_warnings(<target>)
#
# Adds -Wall -Wextra -Wpedantic (and -Werror unless LIVESEND_WARNINGS_AS_ERRORS is OFF) for GCC
# and Clang, /W4 /permissive- (and /WX) for MSVC.
function(livesend_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(LIVESEND_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(LIVESEND_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
endfunction()
