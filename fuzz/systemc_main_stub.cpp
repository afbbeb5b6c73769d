// The libFuzzer targets reach SystemC's shared library through the config entry (the PE array
// timing models it checks names against live in the modules), and that library needs an
// sc_main (declared extern "C" by SystemC). They never start a simulation: libFuzzer's own
// main() is the entry point.
extern "C" int sc_main(int, char**) { return 0; }
