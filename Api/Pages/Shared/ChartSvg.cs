using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using ScottPlot;

namespace Tollgate.Api.Pages.Shared;

/// <summary>
/// Charts drawn on the server by ScottPlot as SVG and put inline in the page: nothing is shipped to the browser to draw
/// them. A chart is a picture for the eye; its page shows the same numbers in a table beside it (screen readers, copying).
/// Drawing one costs milliseconds of CPU, most of a page's time, and a chart is a function of its title, labels and numbers
/// alone: a chart drawn before for the same input is served again (past months' figures never change).
/// </summary>
public static partial class ChartSvg
{
    private const int MaxRemembered = 256;

    private static readonly Color Accent = Color.FromHex("#1f4fd1");
    private static readonly ConcurrentDictionary<string, MarkupString> s_drawn = new(StringComparer.Ordinal);

    /// <summary>One bar per label, such as a quota's use per day.</summary>
    public static MarkupString Bars(
        string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, int width = 760, int height = 300) =>
        Remembered(Key("bars", title, labels, [("", values)], width, height), () => DrawBars(title, labels, values, width, height));

    /// <summary>One line per named series over the same labels, such as MRR per currency per month.</summary>
    public static MarkupString Lines(
        string title, IReadOnlyList<string> labels, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series,
        int width = 760, int height = 300) =>
        Remembered(Key("lines", title, labels, series, width, height), () => DrawLines(title, labels, series, width, height));

    private static MarkupString DrawBars(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, int width, int height)
    {
        var plot = new Plot();
        var bars = plot.Add.Bars(values.ToArray());
        bars.Color = Accent;
        return Render(plot, title, labels, width, height, empty: values.All(value => value == 0));
    }

    private static MarkupString DrawLines(string title, IReadOnlyList<string> labels,
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, int width, int height)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray();
        foreach (var (name, values) in series)
        {
            var line = plot.Add.Scatter(xs, values.ToArray());
            line.LegendText = name;
        }
        if (series.Count > 1) plot.ShowLegend();
        return Render(plot, title, labels, width, height, empty: series.All(s => s.Values.All(value => value == 0)));
    }

    private static MarkupString Render(Plot plot, string title, IReadOnlyList<string> labels, int width, int height, bool empty)
    {
        // Label every bar when they fit, else about a dozen of them.
        var step = Math.Max(1, (int)Math.Ceiling(labels.Count / 12.0));
        var ticks = Enumerable.Range(0, labels.Count).Where(i => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks.Select(i => (double)i).ToArray(), ticks.Select(i => labels[i]).ToArray());
        plot.Axes.Margins(bottom: 0);
        if (empty) plot.Axes.SetLimitsY(0, 1); // all zeros: an axis from 0 up, not from -1
        var svg = XmlDeclaration().Replace(plot.GetSvgXml(width, height), "");
        // A picture with a name for assistive technology, scaled by the page rather than fixed in pixels.
        var opening = $"<svg role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(title)}\" viewBox=\"0 0 {width} {height}\" ";
        return new MarkupString(SvgOpening().Replace(svg, opening, 1));
    }

    private static MarkupString Remembered(string key, Func<MarkupString> draw)
    {
        if (s_drawn.TryGetValue(key, out var drawn)) return drawn;
        if (s_drawn.Count >= MaxRemembered) s_drawn.Clear(); // a bound, not a policy: the charts in use are drawn again
        return s_drawn[key] = draw();
    }

    private static string Key(string kind, string title, IReadOnlyList<string> labels,
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, int width, int height)
    {
        var key = new StringBuilder().Append(kind).Append('\u001f').Append(width).Append('x').Append(height).Append('\u001f').Append(title);
        foreach (var label in labels) key.Append('\u001f').Append(label);
        foreach (var (name, values) in series)
        {
            key.Append('\u001e').Append(name);
            foreach (var value in values) key.Append('\u001f').Append(value.ToString("R", CultureInfo.InvariantCulture));
        }
        return key.ToString();
    }

    [GeneratedRegex(@"^\s*<\?xml[^>]*\?>\s*")]
    private static partial Regex XmlDeclaration();

    [GeneratedRegex(@"<svg\s")]
    private static partial Regex SvgOpening();
}
