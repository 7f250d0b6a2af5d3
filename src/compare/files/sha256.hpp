// sha256.hpp — SHA-256 (FIPS 180-4) of a byte string, as 64 lowercase hex digits: the digest the
// --out manifest records per file, the same `sha256sum` prints.
#pragma once

#include <string>
#include <string_view>

namespace sumsq::compare {

std::string sha256_hex(std::string_view bytes);

}  // namespace sumsq::compare
