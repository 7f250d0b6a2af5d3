// tree.hpp — the tree workload: S(0, n) by recursive halving, each split a task, down to a cut-off.
// A range of more than `cutoff` elements splits into two halves (the lower half one shorter when
// odd); a range of at most `cutoff` elements is a leaf, summed by the shared range kernel. The tree
// is data: every backend that takes it walks the same tree in its own idiom — which half becomes a
// new task, who runs it, how the two results meet — and spawns one task per split.
#pragma once

#include "contract/split.hpp"
#include "contract/sum_squares.hpp"

#include <utility>

namespace sumsq {

class Tree {
public:
    Tree(u64 n, u64 cutoff) : n_(n), cutoff_(cutoff) {}  // cutoff >= 1 (checked by the CLI)

    Piece root() const { return {0, n_}; }
    bool is_leaf(Piece p) const { return p.hi - p.lo <= cutoff_; }
    // The two halves of a range that is not a leaf: [lo, mid) and [mid, hi).
    std::pair<Piece, Piece> halves(Piece p) const {
        const u64 mid = p.lo + (p.hi - p.lo) / 2;
        return {{p.lo, mid}, {mid, p.hi}};
    }
    u128 leaf(Piece p) const { return sum_squares_range(p.lo, p.hi); }
    u64 cutoff() const { return cutoff_; }

private:
    u64 n_, cutoff_;
};

// The tree without tasks: the same recursion, the halves one after the other (the serial baseline).
inline u128 tree_sum_serial(const Tree& tree, Piece p) {
    if (tree.is_leaf(p)) return tree.leaf(p);
    const auto [left, right] = tree.halves(p);
    return tree_sum_serial(tree, left) + tree_sum_serial(tree, right);
}

// The tree's size, from n and the cut-off alone (no walk): the splits (one task each), the leaves,
// the depth (levels of splits), and the splits a backend makes in its top `spawn_levels` levels
// (the threads backend starts a thread per split in its top levels only).
struct TreeShape {
    u64 splits = 0, leaves = 0;
    unsigned depth = 0;
    u64 splits_in_top(unsigned spawn_levels) const { return spawn_levels >= depth ? splits : top_splits[spawn_levels]; }
    u64 top_splits[66] = {};  // top_splits[k]: splits in levels 0 … k − 1 (at most 64 levels)
};

// Halving keeps every level's ranges within one element of each other, so a level is at most two
// sizes with their counts: 64 levels of two sizes each, not 2^depth ranges.
inline TreeShape tree_shape(u64 n, u64 cutoff) {
    TreeShape shape;
    u64 size[2] = {n, n + 1}, count[2] = {1, 0};  // this level: count[k] ranges of size[k]
    for (unsigned level = 0;; ++level) {
        u64 next_size[2] = {size[0] / 2, size[0] / 2 + 1}, next_count[2] = {0, 0}, splits = 0;
        for (int k = 0; k < 2; ++k) {
            if (count[k] == 0) continue;
            if (size[k] <= cutoff) {
                shape.leaves += count[k];
                continue;
            }
            splits += count[k];
            for (const u64 half : {size[k] / 2, size[k] - size[k] / 2}) next_count[half == next_size[0] ? 0 : 1] += count[k];
        }
        shape.top_splits[level + 1] = shape.top_splits[level] + splits;
        shape.splits += splits;
        if (splits == 0) return shape;
        shape.depth = level + 1;
        for (int k = 0; k < 2; ++k) size[k] = next_size[k], count[k] = next_count[k];
    }
}

}  // namespace sumsq
