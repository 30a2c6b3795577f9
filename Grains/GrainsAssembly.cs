using System.Reflection;

namespace Tollgate.Grains;

/// <summary>Names this assembly so the silo can register every grain class in it.</summary>
public static class GrainsAssembly
{
    public static Assembly Assembly => typeof(GrainsAssembly).Assembly;
}
