using System.Runtime.InteropServices;

namespace Tollgate.Runtime.Storage;

/// <summary>The Linux I/O scheduling class of the calling thread (<c>ioprio_set(2)</c>).</summary>
internal static class IoPriority
{
    private const int WhoProcess = 1; // with a thread id, it names that thread
    private const int ClassShift = 13;
    public const int IdleClass = 3;

    /// <summary>
    /// Puts the calling thread's disk I/O in the idle class: the kernel's I/O scheduler serves it
    /// when no other class waits (mq-deadline and BFQ do; "none" and Kyber ignore classes).
    /// Unprivileged. False where it is not supported.
    /// </summary>
    public static bool TryMakeCurrentThreadIdle() =>
        SyscallNumbers() is { } numbers && syscall(numbers.Set, WhoProcess, gettid(), IdleClass << ClassShift) == 0;

    /// <summary>The calling thread's I/O class, or null where it cannot be read.</summary>
    public static int? CurrentThreadClass() =>
        SyscallNumbers() is { } numbers && syscall(numbers.Get, WhoProcess, gettid(), 0) is var value and >= 0
            ? (int)(value >> ClassShift)
            : null;

    private static (long Set, long Get)? SyscallNumbers() => !OperatingSystem.IsLinux() ? null : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (251, 252),
        Architecture.Arm64 => (30, 31),
        _ => null,
    };

    [DllImport("libc")]
    private static extern long syscall(long number, long which, long who, long priority);

    [DllImport("libc")]
    private static extern int gettid();
}
