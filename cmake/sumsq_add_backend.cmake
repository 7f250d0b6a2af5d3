# The backend registry: kernels/CMakeLists.txt calls sumsq_add_backend() once per backend.
#
#   sumsq_add_backend(<name> [SOURCE <file>] [LIBS <targets>...] [REQUIRES <variables>...])
#   sumsq_add_backend(<name> SCRIPT [SOURCE <file>])
#
# builds kernels/<name>.cpp (or SOURCE) into the library sumsq_kernel_<name>, links it with the
# common harness and its main() (sumsq_driver_main: src/driver/main.cpp, compiled once) into
# build/bin/sumsq-<name>, records <name> for the tests
# (tests/CMakeLists.txt adds <name>/… tests for every recorded backend) and for sumsq-compare, and
# installs the binary in SUMSQ_INSTALL_BACKEND_DIR (libexec/sumsq), beside the installed list.
# A backend whose REQUIRES variable is false is skipped with a message, never a build error.
# TEST_ONLY backends get tests and a binary, are in the tests' list only (sumsq-test-backends.txt)
# and are not installed.
#
# A SCRIPT backend (kernels/<name>.py, or SOURCE) is no C++: the file is copied to bin/sumsq-<name>,
# executable, @PROJECT_VERSION@ filled in; its first line (#!interpreter) runs it, and is kept as the
# target property SUMSQ_INTERPRETER. tests/CMakeLists.txt runs tests/<name>_test.py for it instead
# of the in-process C++ suites. It installs the same way as a compiled one: its program (named
# sumsq-<name> in build/bin/) and any file it reads with
# install(PROGRAMS … DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR}), the files found relative to the
# program, so the build tree and the installed tree both work.
function(sumsq_add_backend name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "TEST_ONLY;SCRIPT" "SOURCE" "LIBS;REQUIRES")
  if(arg_SCRIPT)
    sumsq_add_script_backend(${name} "${arg_SOURCE}" ${arg_TEST_ONLY})
    return()
  endif()
  foreach(requirement IN LISTS arg_REQUIRES)
    if(NOT ${requirement})
      message(STATUS "sumsq: backend '${name}' skipped: ${requirement} is not set (its runtime was not found)")
      return()
    endif()
  endforeach()
  if(NOT arg_SOURCE)
    set(arg_SOURCE ${name}.cpp)
  endif()
  add_library(sumsq_kernel_${name} STATIC ${arg_SOURCE})
  target_link_libraries(sumsq_kernel_${name} PUBLIC sumsq_harness ${arg_LIBS})
  target_include_directories(sumsq_kernel_${name} PUBLIC ${PROJECT_SOURCE_DIR}/kernels)  # "support/..."
  add_executable(sumsq-${name})
  target_link_libraries(sumsq-${name} PRIVATE sumsq_driver_main sumsq_kernel_${name})
  set_property(GLOBAL APPEND PROPERTY SUMSQ_ALL_BACKENDS ${name})
  if(NOT arg_TEST_ONLY)
    set_property(GLOBAL APPEND PROPERTY SUMSQ_BACKENDS ${name})
    install(TARGETS sumsq-${name} RUNTIME DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR})
  endif()
endfunction()

function(sumsq_add_script_backend name source test_only)
  if(NOT source)
    set(source ${name}.py)
  endif()
  get_filename_component(source ${source} ABSOLUTE)
  set(binary ${PROJECT_BINARY_DIR}/bin/sumsq-${name})
  configure_file(${source} ${binary} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(STRINGS ${source} shebang LIMIT_COUNT 1)
  string(REGEX REPLACE "^#![ ]*([^ ]+).*" "\\1" interpreter "${shebang}")
  add_custom_target(sumsq-${name} ALL SOURCES ${source})
  set_target_properties(sumsq-${name} PROPERTIES SUMSQ_INTERPRETER "${interpreter}" SUMSQ_SCRIPT "${binary}")
  set_property(GLOBAL APPEND PROPERTY SUMSQ_ALL_BACKENDS ${name})
  if(NOT test_only)
    set_property(GLOBAL APPEND PROPERTY SUMSQ_BACKENDS ${name})
    install(PROGRAMS ${binary} DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR})
  endif()
  if(NOT EXISTS ${interpreter})
    message(STATUS "sumsq: backend '${name}' built, but its interpreter ${interpreter} is missing: its runs and sumsq-compare rows say SKIPPED")
  endif()
endfunction()

# Writes the list of product backends (in registry order) for sumsq-compare, which reads it beside
# itself in the build tree (bin/) and in SUMSQ_INSTALL_BACKEND_DIR when installed; the binaries it
# names sit beside the list.
function(sumsq_write_backend_list)
  get_property(backends GLOBAL PROPERTY SUMSQ_BACKENDS)
  list(JOIN backends "\n" lines)
  file(WRITE ${PROJECT_BINARY_DIR}/bin/sumsq-backends.txt "${lines}\n")
  install(FILES ${PROJECT_BINARY_DIR}/bin/sumsq-backends.txt DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR})
  # With the test doubles, for the tests only (SUMSQ_BACKEND_LIST points sumsq-compare at it).
  get_property(all GLOBAL PROPERTY SUMSQ_ALL_BACKENDS)
  list(JOIN all "\n" lines)
  file(WRITE ${PROJECT_BINARY_DIR}/bin/sumsq-test-backends.txt "${lines}\n")
  message(STATUS "sumsq: backends built: ${backends}")
endfunction()
