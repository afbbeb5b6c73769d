#pragma once

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace accelsim::modules {

// An allocator whose value-less construct() default-initializes: a std::vector using it grows
// (resize) without zeroing the new elements.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>& other) noexcept : std::allocator<T>(other) {}

  template <typename U>
  void construct(U* at) noexcept(std::is_nothrow_default_constructible<U>::value) {
    ::new (static_cast<void*>(at)) U;
  }
  template <typename U, typename... Args>
  void construct(U* at, Args&&... args) {
    ::new (static_cast<void*>(at)) U(std::forward<Args>(args)...);
  }
};

// A unit's buffer for the bytes or values of one access: every use fills what it reads (a
// memory access's bytes, a datapath's outputs), so growing it need not zero anything, and a
// timing-only run, which never fills or reads it, pays nothing per byte (a std::vector zeroed
// every growth: most of the PE array's host time at 4x4 outside the memories).
template <typename T>
using HostBuffer = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace accelsim::modules
