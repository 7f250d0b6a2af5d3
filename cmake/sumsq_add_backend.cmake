# The backend registry: kernels/CMakeLists.txt calls sumsq_add_backend() once per backend.
#
#   sumsq_add_backend(<name> [SOURCE <file>] [LIBS <targets>...] [REQUIRES <variables>...])
#
# builds kernels/<name>.cpp (or SOURCE) into the library sumsq_kernel_<name>, links it with the
# common harness (src/driver/main.cpp) into build/bin/sumsq-<name>, and records <name> for the tests
# (tests/CMakeLists.txt adds <name>/… tests for every recorded backend) and for sumsq-compare.
# A backend whose REQUIRES variable is false is skipped with a message, never a build error.
# TEST_ONLY backends get tests and a binary but are not listed for sumsq-compare's defaults.
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
  endif()
endfunction()

# Writes the list of product backends (in registry order) for sumsq-compare.
function(sumsq_write_backend_list)
  get_property(backends GLOBAL PROPERTY SUMSQ_BACKENDS)
  list(JOIN backends "\n" lines)
  file(WRITE ${PROJECT_BINARY_DIR}/bin/sumsq-backends.txt "${lines}\n")
  # With the test doubles, for the tests only (SUMSQ_BACKEND_LIST points sumsq-compare at it).
  get_property(all GLOBAL PROPERTY SUMSQ_ALL_BACKENDS)
  list(JOIN all "\n" lines)
  file(WRITE ${PROJECT_BINARY_DIR}/bin/sumsq-test-backends.txt "${lines}\n")
  message(STATUS "sumsq: backends built: ${backends}")
endfunction()
