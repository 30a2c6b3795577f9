using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace Tollgate.Pages.Tests;

/// <summary>
/// Every text a page asked for in a language other than English and found no translation for (the page then shows the
/// English text). The silo of <see cref="PagesHost"/> records them, so a test that reads pages in Chinese can assert that
/// nothing on them was left in English.
/// </summary>
public sealed class MissingTranslations
{
    private readonly ConcurrentDictionary<string, string> _missing = new();

    public IReadOnlyCollection<string> All => [.. _missing.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Puts a recording decorator around the silo's localizer factory.</summary>
    public void Install(IServiceCollection services)
    {
        services.AddSingleton<ResourceManagerStringLocalizerFactory>();
        services.AddSingleton<IStringLocalizerFactory>(provider =>
            new RecordingFactory(provider.GetRequiredService<ResourceManagerStringLocalizerFactory>(), this));
    }

    private void Check(LocalizedString text, string owner)
    {
        if (text.ResourceNotFound && CultureInfo.CurrentUICulture.TwoLetterISOLanguageName != "en")
            _missing.TryAdd($"{owner} ({CultureInfo.CurrentUICulture.Name}): \"{text.Name}\"", "");
    }

    private sealed class RecordingFactory(IStringLocalizerFactory inner, MissingTranslations missing) : IStringLocalizerFactory
    {
        public IStringLocalizer Create(Type resourceSource) => new Recording(inner.Create(resourceSource), resourceSource.Name, missing);

        public IStringLocalizer Create(string baseName, string location) =>
            new Recording(inner.Create(baseName, location), baseName, missing);
    }

    private sealed class Recording(IStringLocalizer inner, string owner, MissingTranslations missing) : IStringLocalizer
    {
        public LocalizedString this[string name] => Checked(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Checked(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

        private LocalizedString Checked(LocalizedString text)
        {
            missing.Check(text, owner);
            return text;
        }
    }
}
