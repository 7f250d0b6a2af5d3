#include "contract/backend.hpp"

#include <stdexcept>
#include <string>

namespace sumsq {

// Reached only by a backend whose BackendInfo says runs_tree without overriding it: the CLI refuses
// the tree workload everywhere else.
u128 Backend::reduce_tree(const Tree&) {
    throw std::logic_error("sumsq-" + std::string(backend_info.name) + " says it runs the tree workload but has no reduce_tree()");
}

}  // namespace sumsq
