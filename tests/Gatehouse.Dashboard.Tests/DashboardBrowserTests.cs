using System.Text.RegularExpressions;
using Gatehouse.Contracts;
using Gatehouse.Policy.Decisions;
using Microsoft.Playwright;

namespace Gatehouse.Dashboard.Tests;

/// <summary>
/// The dashboard in headless Chromium, as a person uses it: the login page for a visitor without a session, sign-in
/// with a token, the where search naming exactly the workloads that run a package, the charts, one image in full and
/// sign-out. Every page is also checked for script errors (a content security policy violation is one).
/// </summary>
public sealed partial class DashboardBrowserTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task An_unauthenticated_visit_shows_the_login_page_and_a_wrong_token_is_refused()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var errors = Watch(page);

        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("login-page")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("API token")).ToBeVisibleAsync();

        await page.GetByLabel("API token").FillAsync("not-the-token-0123456789");
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToHaveTextAsync("the token is not accepted");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        Assert.Empty(await context.CookiesAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Searching_for_a_package_shows_exactly_the_workloads_that_run_it()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var errors = Watch(page);
        await SignInAsync(page);

        await SearchAsync(page, "openssl@<3.0.14");
        Assert.Equal(["shop Deployment/web web-6c9f-a", "shop Deployment/web web-6c9f-b"], await WhereRowsAsync(page));
        await Assertions.Expect(page.GetByTestId("where-summary")).ToHaveTextAsync("2 image(s) contain it; 2 workload(s) in 1 running image(s).");
        await Assertions.Expect(page.GetByTestId("where-idle-image")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("where-idle-image")).ToContainTextAsync("openssl 3.0.11-1~deb12u2");

        await SearchAsync(page, "openssl");
        Assert.Equal(["payments StatefulSet/ledger ledger-0", "shop Deployment/web web-6c9f-a", "shop Deployment/web web-6c9f-b"],
            (await WhereRowsAsync(page)).Order(StringComparer.Ordinal));

        await SearchAsync(page, "pkg:pypi/requests");
        Assert.Equal(["payments StatefulSet/ledger ledger-0"], await WhereRowsAsync(page));

        await SearchAsync(page, "no-such-package");
        await Assertions.Expect(page.GetByTestId("where-results")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("where-summary")).ToHaveTextAsync("No indexed image contains no-such-package.");

        await page.GetByTestId("where-input").FillAsync("openssl@>=");
        await page.GetByTestId("where-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("where-error")).ToHaveTextAsync("'>=' has an empty version");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_broad_search_comes_a_page_at_a_time_running_images_first()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var errors = Watch(page);
        await SignInAsync(page);
        await page.Locator("#where").EvaluateAsync("section => { section.dataset.pageSize = '1'; }");
        var more = page.GetByTestId("where-more");

        // openssl is in three images: web (two pods) and ledger run, tools runs nowhere.
        await SearchAsync(page, "openssl");
        await Assertions.Expect(page.Locator("#where")).ToHaveAttributeAsync("data-shown", "1");
        Assert.Equal(["shop Deployment/web web-6c9f-a", "shop Deployment/web web-6c9f-b"], await WhereRowsAsync(page));
        await Assertions.Expect(page.GetByTestId("where-summary")).ToHaveTextAsync("3 image(s) contain it; 3 workload(s) in 2 running image(s). Showing 1 of 3 package matches.");
        await Assertions.Expect(more).ToHaveTextAsync("Show 1 more");

        await more.ClickAsync();
        await Assertions.Expect(page.Locator("#where")).ToHaveAttributeAsync("data-shown", "2");
        Assert.Equal(["shop Deployment/web web-6c9f-a", "shop Deployment/web web-6c9f-b", "payments StatefulSet/ledger ledger-0"], await WhereRowsAsync(page));
        await Assertions.Expect(page.GetByTestId("where-idle-image")).ToHaveCountAsync(0);

        await more.ClickAsync();
        await Assertions.Expect(page.Locator("#where")).ToHaveAttributeAsync("data-shown", "3");
        await Assertions.Expect(page.GetByTestId("where-idle-image")).ToHaveCountAsync(1);
        await Assertions.Expect(more).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("where-summary")).ToHaveTextAsync("3 image(s) contain it; 3 workload(s) in 2 running image(s).");

        // A new search starts over.
        await SearchAsync(page, "pkg:pypi/requests");
        Assert.Equal(["payments StatefulSet/ledger ledger-0"], await WhereRowsAsync(page));
        await Assertions.Expect(page.GetByTestId("where-idle-image")).ToHaveCountAsync(0);
        await Assertions.Expect(more).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Images_show_their_decisions_and_one_image_in_full_has_findings_signers_and_the_trace_link()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var errors = Watch(page);
        await SignInAsync(page);

        var rows = page.GetByTestId("image-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#images-head th")).ToContainTextAsync(["Image", "Digest", "Decision: dev", "Decision: prod"]);
        foreach (var digest in new[] { DashboardFixture.Web, DashboardFixture.Ledger, DashboardFixture.Tools })
        {
            var row = page.Locator($"[data-testid=image-row][data-digest='{digest}']");
            var decisions = row.GetByTestId("decision");
            foreach (var (profile, i) in new[] { ("dev", 0), ("prod", 1) })
            {
                var stored = DecisionRecorder.Parse(await fixture.Store.GetAsync(StoreKeys.Decision(profile, digest)))!;
                await Assertions.Expect(decisions.Nth(i)).ToHaveAttributeAsync("data-status", stored.Status);
            }
        }
        var web = page.Locator($"[data-testid=image-row][data-digest='{DashboardFixture.Web}']");
        await Assertions.Expect(web.GetByTestId("running")).ToHaveTextAsync("2");
        await Assertions.Expect(web.GetByTestId("decision").Nth(1)).ToHaveAttributeAsync("data-status", "deny");

        await page.GetByTestId("images-filter").FillAsync("ledger");
        await page.GetByTestId("images-submit").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("images-range")).ToHaveTextAsync("1–1 of 1 images");
        await page.GetByTestId("images-filter").FillAsync("");
        await page.GetByTestId("images-submit").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        await web.GetByTestId("image-details").ClickAsync();
        var detail = page.GetByTestId("image-detail");
        await Assertions.Expect(detail.GetByTestId("detail-title")).ToHaveTextAsync("ghcr.io/acme/web");
        await Assertions.Expect(detail.GetByTestId("finding-row")).ToHaveCountAsync(1);
        await Assertions.Expect(detail.GetByTestId("finding-row")).ToContainTextAsync("CVE-2023-5678");
        await Assertions.Expect(detail.GetByTestId("fix-available")).ToHaveTextAsync("yes");
        await Assertions.Expect(detail.GetByTestId("signature-status")).ToHaveTextAsync("verified");
        await Assertions.Expect(detail.GetByTestId("signer-identity")).ToHaveTextAsync("https://github.com/acme/web/.github/workflows/release.yml@refs/tags/v1");
        var prod = DecisionRecorder.Parse(await fixture.Store.GetAsync(StoreKeys.Decision("prod", DashboardFixture.Web)))!;
        var traceId = prod.TraceParent!.Split('-')[1];
        var traceLink = detail.Locator("tr[data-profile=prod]").GetByTestId("trace-link");
        await Assertions.Expect(traceLink).ToHaveAttributeAsync("href", DashboardFixture.TraceTemplate.Replace("{traceId}", traceId, StringComparison.Ordinal));
        await Assertions.Expect(detail.Locator("tr[data-profile=prod]")).ToContainTextAsync("vuln-high-fixable");
        await Assertions.Expect(detail.GetByTestId("detail-workloads").Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Charts_draw_one_point_per_snapshot_and_break_glass_uses_are_listed()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        var errors = Watch(page);
        await SignInAsync(page);

        var findings = page.GetByTestId("chart-findings");
        await Assertions.Expect(findings.Locator("svg [data-series]")).ToHaveCountAsync(5);
        foreach (var severity in new[] { "critical", "high", "medium", "low", "unknown" })
            await Assertions.Expect(findings.GetByTestId("series-" + severity).Locator("circle")).ToHaveCountAsync(DashboardFixture.Snapshots);
        await Assertions.Expect(findings.GetByRole(AriaRole.Img)).ToHaveAccessibleNameAsync("Findings in running images by severity over time");
        var highPoints = await findings.GetByTestId("series-high").Locator("circle").EvaluateAllAsync<double[]>("cs => cs.map(c => Number(c.getAttribute('cy')))");
        Assert.True(highPoints.Zip(highPoints.Skip(1)).All(p => p.Second < p.First), "high findings grow over time, so each point is drawn higher");

        var denied = page.GetByTestId("chart-denied");
        await Assertions.Expect(denied.Locator("svg [data-series]")).ToHaveCountAsync(2);
        await Assertions.Expect(denied.GetByTestId("series-prod").Locator("circle")).ToHaveCountAsync(DashboardFixture.Snapshots);
        var running = page.GetByTestId("chart-running");
        await Assertions.Expect(running.Locator("svg rect")).ToHaveCountAsync(6);
        await Assertions.Expect(running.GetByTestId("series-high").Locator("text.value")).ToHaveTextAsync("1");

        var uses = page.GetByTestId("break-glass-row");
        await Assertions.Expect(uses).ToHaveCountAsync(1);
        await Assertions.Expect(uses).ToContainTextAsync("carol@acme.example");
        await Assertions.Expect(uses).ToContainTextAsync("INC-4242");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var (context, page) = await fixture.NewPageAsync();
        await using var _ = context;
        await SignInAsync(page);
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByTestId("logout").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(LoginUrl());
        Assert.Empty(await context.CookiesAsync());
        await page.GotoAsync("/dashboard");
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/dashboard/login");
        await page.GetByLabel("API token").FillAsync(DashboardFixture.Token);
        await page.GetByTestId("login-submit").ClickAsync();
        // Polled, not awaited as a navigation event: the script's location change can complete before a waiter is
        // registered on a busy machine, and the event is then never seen although the page is there.
        await Assertions.Expect(page).ToHaveURLAsync(DashboardUrl());
        await Assertions.Expect(page.Locator("body[data-loaded=true]")).ToHaveCountAsync(1);
    }

    private static async Task SearchAsync(IPage page, string query)
    {
        await page.GetByTestId("where-input").FillAsync(query);
        await page.GetByTestId("where-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#where")).ToHaveAttributeAsync("data-query", query);
    }

    /// <summary>"namespace kind/name pod" of each row the where search shows.</summary>
    private static async Task<IReadOnlyList<string>> WhereRowsAsync(IPage page) =>
        await page.GetByTestId("where-row").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => ['where-namespace', 'where-workload', 'where-pod'].map(t => r.querySelector(`[data-testid=${t}]`).textContent).join(' '))");

    /// <summary>
    /// Console errors and uncaught exceptions of the page (a blocked script or style, a missing asset shows up here);
    /// the 400 and 401 answers the tests provoke on purpose are logged by the browser too and are not errors of the page.
    /// </summary>
    private static List<string> Watch(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !ProvokedStatus().IsMatch(message.Text)) errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    [GeneratedRegex("^Failed to load resource: the server responded with a status of 40[01] ")]
    private static partial Regex ProvokedStatus();

    [GeneratedRegex("/dashboard$")]
    private static partial Regex DashboardUrl();

    [GeneratedRegex("/dashboard/login$")]
    private static partial Regex LoginUrl();
}
