# The backend registry: kernels/CMakeLists.txt calls sumsq_add_backend() once per backend.
#
#   sumsq_add_backend(<name> [SOURCE <file>] [LIBS <targets>...] [REQUIRES <variables>...])
#
# builds kernels/<name>.cpp (or SOURCE) into the library sumsq_kernel_<name>, links it with the
# common harness (src/driver/main.cpp) into build/bin/sumsq-<name>, records <name> for the tests
# (tests/CMakeLists.txt adds <name>/… tests for every recorded backend) and for sumsq-compare, and
# installs the binary in SUMSQ_INSTALL_BACKEND_DIR (libexec/sumsq), beside the installed list.
# A backend whose REQUIRES variable is false is skipped with a message, never a build error.
# TEST_ONLY backends get tests and a binary, are in the tests' list only (sumsq-test-backends.txt)
# and are not installed.
#
# A backend that is not a compiled target (a script) installs the same way: its program (named
# sumsq-<name> in build/bin/) and any file it reads with
# install(PROGRAMS … DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR}), the files found relative to the
# program, so the build tree and the installed tree both work.
function(sumsq_add_backend name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "TEST_ONLY" "SOURCE" "LIBS;REQUIRES")
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
  add_executable(sumsq-${name} ${PROJECT_SOURCE_DIR}/src/driver/main.cpp)
  target_link_libraries(sumsq-${name} PRIVATE sumsq_kernel_${name})
  set_property(GLOBAL APPEND PROPERTY SUMSQ_ALL_BACKENDS ${name})
  if(NOT arg_TEST_ONLY)
    set_property(GLOBAL APPEND PROPERTY SUMSQ_BACKENDS ${name})
    install(TARGETS sumsq-${name} RUNTIME DESTINATION ${SUMSQ_INSTALL_BACKEND_DIR})
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
