// environment.hpp — what the numbers were measured on: CPU, compiler, flags, library versions.
#pragma once

#include "contract/backend.hpp"

#include <nlohmann/json.hpp>

namespace sumsq {

nlohmann::json environment(const Backend& backend);
std::string cpu_model();

}  // namespace sumsq
