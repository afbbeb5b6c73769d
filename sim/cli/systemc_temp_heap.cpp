// Where SystemC's 3 MB temporary heap lives: in a fresh mapping that nothing touches.
//
// libsystemc's static initialisation (before main, in every process linking it) builds
// sc_core::sc_temp_heap, a ring buffer for sc_dt concatenation temporaries that accelsim never
// uses: `new char[0x300000]`, then `memset` of all of it. Faulting those 768 pages in was a third of
// a design point's page faults (docs/performance.md, "One design point's fixed cost"); on huge
// pages the kernel still cleared 4 MB and the memset wrote 3 MB more, about a tenth of a LeNet
// design point's time. This file serves that one array `new`, made while the shared libraries
// initialise, from a fresh anonymous mapping, which the kernel guarantees reads as zeros, and
// lets the memset that follows it return at once: the pages stay untouched until the heap is
// used, if ever. Every other array `new` and `delete`, and every other memset (libsystemc's and
// libstdc++'s calls reach this one through their PLT), is the C library's.
#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace {

// The size sysc/utils/sc_temporary.h's sc_byte_heap is given for sc_temp_heap (SystemC 2.3.x).
constexpr std::size_t kSystemCTempHeapBytes = 0x300000;

// Constant-initialised (before any initialiser runs); the executable's own initialisers, which the
// dynamic loader runs after every shared library's, clear it.
bool shared_libraries_initialising = true;
struct MarkExecutableInitialising {
  MarkExecutableInitialising() { shared_libraries_initialising = false; }
} mark_executable_initialising;

char* temp_heap = nullptr;         // the fresh mapping, unmapped when SystemC frees its heap
bool temp_heap_untouched = false;  // nothing has written to it since mmap: it reads as zeros

}  // namespace

// The C library's memset under another name: a call to `memset` here would be this function.
// `__memset_chk` with an unbounded destination is glibc's memset (the same ifunc-selected code).
extern "C" void* c_library_memset_chk(void* destination, int value, std::size_t bytes,
                                      std::size_t destination_bytes) __asm__("__memset_chk");

extern "C" void* memset(void* destination, int value, std::size_t bytes) {
  if (destination == temp_heap && temp_heap_untouched && value == 0 && bytes == kSystemCTempHeapBytes) {
    temp_heap_untouched = false;  // only the clearing right after the mmap is skipped
    return destination;
  }
  return c_library_memset_chk(destination, value, bytes, static_cast<std::size_t>(-1));
}

void* operator new[](std::size_t bytes) {
  if (bytes == kSystemCTempHeapBytes && shared_libraries_initialising && temp_heap == nullptr) {
    void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping != MAP_FAILED) {
      temp_heap = static_cast<char*>(mapping);
      temp_heap_untouched = true;
      return temp_heap;
    }
  }
  return ::operator new(bytes);
}

void operator delete[](void* pointer) noexcept {
  if (pointer != nullptr && pointer == temp_heap) {
    munmap(temp_heap, kSystemCTempHeapBytes);
    temp_heap = nullptr;
    temp_heap_untouched = false;
    return;
  }
  ::operator delete(pointer);
}

void operator delete[](void* pointer, std::size_t) noexcept { operator delete[](pointer); }
