import Glibc
import Testing

/// False when this build runs under AddressSanitizer or ThreadSanitizer:
/// they keep freed memory resident (quarantine, shadow memory), so a bound
/// on resident memory says nothing there. The probes are the same build as
/// the test process, so its own runtime tells.
let residentMemoryIsMeaningful =
    dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") == nil
    && dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") == nil

/// Expects `growth` bytes of resident memory to stay below `bound`; checks
/// nothing under a sanitizer.
func expectResidentGrowth(_ growth: Int, below bound: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard residentMemoryIsMeaningful else { return }
    #expect(growth < bound, "\(what): resident memory grew by \(growth) bytes, bound \(bound)", sourceLocation: sourceLocation)
}
