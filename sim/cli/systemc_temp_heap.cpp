// Where SystemC's 3 MB temporary heap lives: on two transparent huge pages instead of 768 small ones.
//
// libsystemc's static initialisation (before main, in every process linking it) builds
// sc_core::sc_temp_heap, a ring buffer for sc_dt concatenation temporaries that accelsim never
// uses: `new char[0x300000]` and a memset of all of it. Faulting those 768 fresh 4 KiB pages in one
// by one was a third of a design point's page faults and about 3 ms of kernel time (docs/performance.md,
// "One design point's fixed cost"). This replacement of the global array `new` serves that one
// request, made while the shared libraries initialise, from a 2 MiB-aligned mapping advised for
// huge pages; the same bytes get zeroed in two faults. Where the kernel gives no huge pages
// (transparent_hugepage=never) the mapping faults as before. Every other array `new` and `delete`
// is the standard library's, as if not replaced.
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace {

// The size sysc/utils/sc_temporary.h's sc_byte_heap is given for sc_temp_heap (SystemC 2.3.x).
constexpr std::size_t kSystemCTempHeapBytes = 0x300000;
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
constexpr std::size_t kHugeSpanBytes = 2 * kHugePageBytes;  // the heap rounded up to whole huge pages

// Constant-initialised (before any initialiser runs); the executable's own initialisers, which the
// dynamic loader runs after every shared library's, clear it.
bool shared_libraries_initialising = true;
struct MarkExecutableInitialising {
  MarkExecutableInitialising() { shared_libraries_initialising = false; }
} mark_executable_initialising;

char* huge_mapping = nullptr;  // the whole mapping, unmapped when SystemC frees its heap
std::size_t huge_mapping_bytes = 0;
char* temp_heap = nullptr;

char* map_on_huge_pages() {
  const std::size_t bytes = kHugeSpanBytes + kHugePageBytes;  // room to align the start
  void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(mapping);
  char* aligned = reinterpret_cast<char*>((start + kHugePageBytes - 1) & ~(kHugePageBytes - 1));
  madvise(aligned, kHugeSpanBytes, MADV_HUGEPAGE);  // advice only: without it, small pages as before
  huge_mapping = static_cast<char*>(mapping);
  huge_mapping_bytes = bytes;
  return aligned;
}

}  // namespace

void* operator new[](std::size_t bytes) {
  if (bytes == kSystemCTempHeapBytes && shared_libraries_initialising && temp_heap == nullptr) {
    temp_heap = map_on_huge_pages();
    if (temp_heap != nullptr) return temp_heap;
  }
  return ::operator new(bytes);
}

void operator delete[](void* pointer) noexcept {
  if (pointer != nullptr && pointer == temp_heap) {
    munmap(huge_mapping, huge_mapping_bytes);
    temp_heap = nullptr;
    return;
  }
  ::operator delete(pointer);
}

void operator delete[](void* pointer, std::size_t) noexcept { operator delete[](pointer); }
