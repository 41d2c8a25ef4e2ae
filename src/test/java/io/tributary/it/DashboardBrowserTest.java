package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tributary.local.AthenaStandInResource;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.RedshiftStandInResource;
import io.tributary.local.S3StandInResource;
import io.tributary.warehouse.HourlyRollup;
import io.tributary.warehouse.MinuteCount;
import io.tributary.warehouse.RedshiftWarehouse;
import io.tributary.warehouse.TopCategory;

/**
 * The dashboard page in headless Debian Chromium against the application on the stand-ins: events posted over HTTP go
 * Kinesis → ingest → minute windows → Redshift, and the page draws them; more events arrive without a reload; the hourly
 * charts draw rollup rows (loaded with the rollup's own MERGE); the pipeline panel shows the ingest metrics. Screenshots go
 * to target/screenshots/, and the README's docs/images/dashboard.png is copied from one of them.
 */
@QuarkusTest
@QuarkusTestResource(KinesisStandInResource.class)
@QuarkusTestResource(S3StandInResource.class)
@QuarkusTestResource(RedshiftStandInResource.class)
@QuarkusTestResource(AthenaStandInResource.class)
class DashboardBrowserTest {

    static final Path SCREENSHOTS = DashboardBrowser.SCREENSHOTS;
    static final Path README_SCREENSHOT = Path.of("docs", "images", "dashboard.png");
    static final String KEY = "test-key";

    static DashboardBrowser dashboard;
    static ChromeDriver browser;

    @TestHTTPResource("/dashboard/")
    URL page;

    @Inject
    RedshiftWarehouse warehouse;

    @BeforeAll
    static void startBrowser() throws IOException {
        dashboard = DashboardBrowser.start();
        browser = dashboard.driver();
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void theApiAnswersJsonAndRefusesWithoutTheKey() {
        given().when().get("/api/dashboard/definition").then().statusCode(401).body("error", containsString("X-Api-Key"));
        given().header("X-Api-Key", KEY).when().get("/api/dashboard/definition").then().statusCode(200)
                .body("version", equalTo(1)).body("redshift_enabled", equalTo(true))
                .body("datasets.id", org.hamcrest.Matchers.hasItems("minute_counts", "hourly_rollup", "top_categories"));
        given().header("X-Api-Key", KEY).when().get("/api/dashboard/datasets/nope").then().statusCode(404)
                .body("reason", equalTo("unknown_dataset"));
        given().header("X-Api-Key", KEY).when().get("/api/dashboard/datasets/minute_counts?minutes=drop").then().statusCode(400)
                .body("error", containsString("minutes"));
        given().header("X-Api-Key", KEY).when().get("/api/dashboard/datasets/minute_counts?minutes=60").then().statusCode(200)
                .body("columns.name", org.hamcrest.Matchers.contains("minute_start", "event_type", "provisional", "events"))
                .body("minutes", equalTo(60));
        given().header("X-Api-Key", KEY).when().get("/api/dashboard/pipeline").then().statusCode(200)
                .body("records.received", greaterThanOrEqualTo(0)).body("written", org.hamcrest.Matchers.notNullValue());
        given().when().get("/dashboard/").then().statusCode(200).body(containsString("chart.umd.min.js"));
        given().redirects().follow(false).when().get("/dashboard").then().statusCode(302).header("Location", "/dashboard/");
        given().when().get("/dashboard/vendor/chart.js-4.6.2/chart.umd.min.js").then().statusCode(200)
                .body(containsString("Chart.js v4.6.2"));
    }

    @Test
    void chartsDrawSentEventsAndUpdateWithoutReload() throws Exception {
        String type = "dash_" + UUID.randomUUID().toString().substring(0, 8);
        long rolledUp = seedRolledUpHour(type);

        openWithKey();
        js("window.__loadedOnce = true; return true;");

        // the hourly charts draw the rolled-up hour; the page says the ops API is missing until it is deployed
        Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                .until(() -> seriesTotal("hourly_events", type) == rolledUp);
        assertEquals(20, seriesTotal("hourly_events", type + "_buy"));
        assertEquals(rolledUp, seriesTotal("events_per_minute", type + " (final)"), "the rolled-up minutes are drawn as final");
        assertTrue(canvasTotal("device_mix") >= 260, "device mix drawn");
        assertTrue(canvasTotal("country_mix") >= 260, "country mix drawn");
        assertTrue(canvasTotal("top_categories") >= 260, "top categories drawn");
        assertTrue(canvasTotal("hourly_distinct_users") >= 100, "distinct users drawn");

        long firstBatch = post(type, 25);
        Awaitility.await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> seriesTotal("events_per_minute", type + " (provisional)") >= firstBatch);
        assertEquals(firstBatch, seriesTotal("events_per_minute", type + " (provisional)"),
                "every sent event counted once, drawn as provisional (real-time)");
        assertEquals(Boolean.TRUE, js("return Chart.getChart('chart-events_per_minute').data.datasets"
                + ".find(d => d.label === arguments[0] + ' (provisional)').borderDash.length > 0", type), "provisional is dashed");
        long received = pipelineFigure("fig-received");
        assertTrue(received >= firstBatch, "pipeline panel counts the records read: " + received);
        screenshot("dashboard-first-events");

        long secondBatch = post(type, 40);
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> pipelineFigure("fig-received") >= received + secondBatch);
        Awaitility.await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                .until(() -> seriesTotal("events_per_minute", type + " (provisional)") == firstBatch + secondBatch);
        assertEquals(Boolean.TRUE, js("return window.__loadedOnce === true"), "updated in place, not reloaded");
        assertTrue(((Number) js("return Chart.getChart('chart-lag').data.labels.length")).intValue() >= 1, "per-shard lag drawn");

        String hours = browser.findElement(By.cssSelector("#hours .message")).getText();
        if (opsApiDeployed()) {
            assertTrue(browser.findElement(By.id("hours-table")).isDisplayed(), "hour states table shown");
        } else {
            assertTrue(hours.contains("Lake operations API not available"), "says what is missing: " + hours);
        }
        Path shot = screenshot("dashboard");
        Files.createDirectories(README_SCREENSHOT.getParent());
        Files.copy(shot, README_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);

        figures();
    }

    @Test
    void aRefusedKeyIsAskedForAgainWithTheReason() {
        browser.get(page.toString());
        js("sessionStorage.clear(); return true;");
        browser.navigate().refresh();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-input"))).sendKeys("not-the-key");
        browser.findElement(By.id("key-submit")).click();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-error")));
        assertTrue(error.getText().contains("refused (401)"), error.getText());
        assertEquals(null, js("return sessionStorage.getItem('tributary.apiKey')"), "a refused key is not kept");
        browser.findElement(By.id("key-input")).sendKeys(KEY);
        browser.findElement(By.id("key-submit")).click();
        wait.until(d -> js("return sessionStorage.getItem('tributary.apiKey')") != null
                && !browser.findElement(By.id("key-dialog")).isDisplayed());
    }

    /** A fresh load with data present: time to the first chart with data, and the bytes the page loads. */
    private void figures() throws IOException {
        browser.navigate().refresh();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> js("return performance.getEntriesByName('tributary:first-chart-with-data').length") instanceof Number n && n.intValue() > 0);
        double firstChart = ((Number) js("return performance.getEntriesByName('tributary:first-chart-with-data')[0].startTime")).doubleValue();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> resources = (List<Map<String, Object>>) js(
                "return [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]"
                        + ".filter(e => !e.name.includes('/api/')).map(e => ({name: e.name, size: e.decodedBodySize}))");
        long bytes = 0;
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> r : resources) {
            long size = ((Number) r.get("size")).longValue();
            bytes += size;
            lines.add(String.format(Locale.ROOT, "%9d  %s", size, r.get("name")));
        }
        String report = String.format(Locale.ROOT, "time to first chart with data: %.0f ms after navigation start%npage weight: %d bytes%n%s%n",
                firstChart, bytes, String.join("\n", lines));
        Files.writeString(SCREENSHOTS.resolve("figures.txt"), report, StandardCharsets.UTF_8);
        System.out.println("dashboard figures:\n" + report);
        assertTrue(firstChart > 0 && firstChart < 10_000, "first chart within 10 s: " + firstChart);
    }

    /**
     * Two hours ago, rolled up: hourly rows, top categories and final minutes of two event types, loaded with the rollup's
     * own MERGE (no Glue run needed). Returns the events of {@code type} in that hour.
     */
    private long seedRolledUpHour(String type) throws Exception {
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        String buy = type + "_buy";
        List<MinuteCount> minutes = new ArrayList<>();
        long total = 0;
        for (int m = 0; m < 60; m++) {
            int n = 2 + (m * 7) % 5;
            total += n;
            minutes.add(new MinuteCount(hour.plus(m, ChronoUnit.MINUTES), type, "DE", "mobile", n, "part-1"));
            if (m % 3 == 0) {
                minutes.add(new MinuteCount(hour.plus(m, ChronoUnit.MINUTES), buy, "DE", "desktop", 1, "part-1"));
            }
        }
        assertEquals(240, total);
        List<HourlyRollup> rows = List.of(
                new HourlyRollup(hour, type, "DE", "mobile", 120, 40, 45, "books"),
                new HourlyRollup(hour, type, "FR", "desktop", 70, 25, 27, "music"),
                new HourlyRollup(hour, type, "US", "tablet", 50, 20, 21, "books"),
                new HourlyRollup(hour, buy, "DE", "desktop", 12, 9, 9, "books"),
                new HourlyRollup(hour, buy, "GB", "mobile", 8, 6, 6, "garden"));
        List<TopCategory> top = List.of(new TopCategory(hour, type, "books", 1, 140, 50), new TopCategory(hour, type, "music", 2, 60, 20),
                new TopCategory(hour, type, "toys", 3, 40, 15), new TopCategory(hour, buy, "books", 1, 12, 9),
                new TopCategory(hour, buy, "garden", 2, 8, 6));
        warehouse.mergeHour(hour, rows, top, minutes, true, "dashboard-test");
        return total;
    }

    private void openWithKey() {
        dashboard.openWithKey(page, KEY);
    }

    private static long post(String type, int n) {
        StringBuilder body = new StringBuilder();
        String[] devices = {"mobile", "desktop", "tablet"};
        for (int i = 0; i < n; i++) {
            body.append("{\"timestamp\":\"").append(Instant.now()).append("\",\"user_id\":\"u").append(i)
                    .append("\",\"event_type\":\"").append(type).append("\",\"data\":{\"device_type\":\"").append(devices[i % 3])
                    .append("\",\"category\":\"books\",\"location\":{\"country\":\"DE\"}}}\n");
        }
        given().header("X-Api-Key", KEY).contentType("application/x-ndjson").body(body.toString().getBytes(StandardCharsets.UTF_8))
                .when().post("/events").then().statusCode(200).body("accepted", equalTo(n));
        return n;
    }

    /** The sum of a chart's data in the series with this legend label, as the page drew it. */
    private long seriesTotal(String visual, String label) {
        Object v = js("const c = Chart.getChart('chart-' + arguments[0]); if (!c) return 0;"
                + "return c.data.datasets.filter(d => d.label === arguments[1])"
                + ".reduce((n, d) => n + d.data.reduce((m, x) => m + (x || 0), 0), 0);", visual, label);
        return ((Number) v).longValue();
    }

    private long canvasTotal(String visual) {
        Object v = js("const c = document.getElementById('chart-' + arguments[0]); return c && c.dataset.total ? Number(c.dataset.total) : 0;", visual);
        return ((Number) v).longValue();
    }

    private long pipelineFigure(String id) {
        String text = browser.findElement(By.id(id)).getText().replace(",", "");
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    private boolean opsApiDeployed() {
        return given().header("X-Api-Key", KEY).when().get("/api/hours?from=2026-01-01-00&to=2026-01-01-01").statusCode() == 200;
    }

    private Object js(String script, Object... args) {
        return dashboard.js(script, args);
    }

    private Path screenshot(String name) throws IOException {
        return dashboard.screenshot(name);
    }
}
