# The project's warnings, as a target: sumsq_harness links sumsq_warnings PUBLIC, so every program,
# kernel, test and benchmark built on it compiles with -Wall -Wextra (GCC or Clang: the code needs
# unsigned __int128 and __builtin_cpu_supports anyway); nothing reaches CMAKE_CXX_FLAGS, so the
# flags a run records stay the optimisation flags. The dev preset adds -Wpedantic -Wshadow and
# turns SUMSQ_WERROR on.
option(SUMSQ_WERROR "Treat the project's warnings as errors (-Werror)" OFF)
add_library(sumsq_warnings INTERFACE)
target_compile_options(sumsq_warnings INTERFACE -Wall -Wextra $<$<BOOL:${SUMSQ_WERROR}>:-Werror>)
# GCC 12's -O2/-O3 -Wrestrict misfires on std::string's operator+ with a short literal (GCC bug
# 105329: "accessing 9223372036854775810 or more bytes"); the warning, not the code, is wrong.
set(SUMSQ_GCC12 $<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>)
target_compile_options(sumsq_warnings INTERFACE $<${SUMSQ_GCC12}:-Wno-restrict>)
