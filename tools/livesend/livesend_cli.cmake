# tools/livesend/livesend_cli.cmake: livesend_add_cli(<target>) adds an executable of the
# `livesend` tool (tools/livesend/CMakeLists.txt builds livesend_cli with it; the benchmarks a
# -march=native one). The tool reads its arguments with CLI11 (Debian: libcli11-dev, header
# only); the library target livesend::livesend does not need it.
include_guard(GLOBAL)

function(livesend_add_cli target)
  # Here, not at the top of the file: an imported target is seen only in the directory that
  # found it, and include_guard(GLOBAL) skips this file in the second directory (the benchmarks'
  # livesend_cli_native, beside tools/livesend's livesend_cli).
  if(NOT TARGET CLI11::CLI11)
    find_package(CLI11 CONFIG REQUIRED)
  endif()
  set(dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
  # In the caller's directory: an imported target is seen only in the directory that found it
  # (and below), and this file is included once (the benchmarks' CLI is in another directory).
  if(NOT TARGET CLI11::CLI11)
    find_package(CLI11 CONFIG REQUIRED)
  endif()
  # One file per command: a new one in commands/ is built without a line here.
  file(GLOB commands CONFIGURE_DEPENDS "${dir}/commands/*.cpp")
  add_executable(${target} "${dir}/main.cpp" "${dir}/arguments.cpp" "${dir}/input.cpp"
                           "${dir}/output.cpp" ${commands})
  target_include_directories(${target} PRIVATE "${dir}")
  target_link_libraries(${target} PRIVATE livesend::livesend CLI11::CLI11)
  # The commands over the SQLite store (`load`), when it is built (LIVESEND_WITH_SQLITE): main.cpp
  # lists them under #if LIVESEND_HAVE_SQLITE.
  if(TARGET livesend_sqlite_store)
    file(GLOB sqlite_commands CONFIGURE_DEPENDS "${dir}/commands/sqlite/*.cpp")
    target_sources(${target} PRIVATE ${sqlite_commands})
    target_link_libraries(${target} PRIVATE livesend_sqlite_store)
    target_compile_definitions(${target} PRIVATE LIVESEND_HAVE_SQLITE=1)
  endif()
endfunction()
