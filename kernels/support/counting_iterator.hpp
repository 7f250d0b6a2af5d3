// counting_iterator.hpp — a random-access iterator over 0, 1, 2, … for the parallel algorithms.
//
// Why not std::views::iota? Its iterator's C++17 iterator_category is input_iterator_tag (it yields
// values, not references), and libstdc++'s parallel algorithms quietly run such ranges serially.
#pragma once

#include "contract/sum_squares.hpp"

#include <cstddef>
#include <iterator>

namespace sumsq {

class CountingIterator {
public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = u64;
    using difference_type = std::ptrdiff_t;
    using pointer = const u64*;
    using reference = const u64&;

    CountingIterator() = default;
    explicit CountingIterator(u64 value) : value_(value) {}

    reference operator*() const { return value_; }
    u64 operator[](difference_type k) const { return value_ + static_cast<u64>(k); }
    CountingIterator& operator++() { ++value_; return *this; }
    CountingIterator operator++(int) { auto old = *this; ++value_; return old; }
    CountingIterator& operator--() { --value_; return *this; }
    CountingIterator operator--(int) { auto old = *this; --value_; return old; }
    CountingIterator& operator+=(difference_type k) { value_ += static_cast<u64>(k); return *this; }
    CountingIterator& operator-=(difference_type k) { value_ -= static_cast<u64>(k); return *this; }
    friend CountingIterator operator+(CountingIterator it, difference_type k) { return it += k; }
    friend CountingIterator operator+(difference_type k, CountingIterator it) { return it += k; }
    friend CountingIterator operator-(CountingIterator it, difference_type k) { return it -= k; }
    friend difference_type operator-(CountingIterator a, CountingIterator b) {
        return static_cast<difference_type>(a.value_ - b.value_);
    }
    friend auto operator<=>(CountingIterator, CountingIterator) = default;

private:
    u64 value_ = 0;
};

}  // namespace sumsq
