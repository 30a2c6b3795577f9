using System.Globalization;
using System.Text;

namespace Tollgate.Api.Payments;

/// <summary>
/// A form body in Stripe's bracket notation: nested objects as <c>metadata[tenantId]=...</c>, lists
/// as <c>line_items[0][price]=...</c>. Fields keep the order they were added in.
/// </summary>
public sealed class StripeForm
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>Adds a field; null values are left out, booleans are <c>true</c>/<c>false</c>.</summary>
    public StripeForm Add(string name, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case string text:
                _fields.Add(new(name, text));
                break;
            case bool flag:
                _fields.Add(new(name, flag ? "true" : "false"));
                break;
            case IFormattable number:
                _fields.Add(new(name, number.ToString(null, CultureInfo.InvariantCulture)));
                break;
            case IEnumerable<KeyValuePair<string, object?>> nested:
                foreach (var (key, item) in nested) Add($"{name}[{key}]", item);
                break;
            case IEnumerable<object?> list:
                var index = 0;
                foreach (var item in list) Add($"{name}[{index++}]", item);
                break;
            default:
                throw new ArgumentException($"Stripe form field '{name}' has a value of unsupported type {value.GetType().Name}.", nameof(value));
        }
        return this;
    }

    /// <summary>application/x-www-form-urlencoded, as Stripe reads it.</summary>
    public string Encode()
    {
        var body = new StringBuilder();
        foreach (var (name, value) in _fields)
        {
            if (body.Length > 0) body.Append('&');
            body.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return body.ToString();
    }
}
