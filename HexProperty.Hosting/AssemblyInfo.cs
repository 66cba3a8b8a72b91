// The orchestrator starts Debian's server packages and relies on Linux process semantics (setsid, parent-death signal).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
