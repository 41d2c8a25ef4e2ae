package io.tributary.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.KinesisStandInResource;
import io.tributary.local.S3StandInResource;

/**
 * The dashboard's empty and error states in headless Chromium: an application without the warehouse (Redshift off) and
 * without events. The warehouse panels say how to turn Redshift on, the pipeline panel still works and says how to send
 * events, and the hour states panel says the lake operations API is missing (until it is deployed).
 */
@QuarkusTest
@TestProfile(DashboardRedshiftOffBrowserTest.WithoutWarehouse.class)
class DashboardRedshiftOffBrowserTest {

    /** Only the stream and the lake: no Redshift, no Athena. */
    public static class WithoutWarehouse implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tributary.redshift.enabled", "false");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KinesisStandInResource.class), new TestResourceEntry(S3StandInResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @TestHTTPResource("/dashboard/")
    URL page;

    @Test
    void withoutRedshiftAndEventsEachPanelSaysWhatToDo() throws IOException {
        try (DashboardBrowser dashboard = DashboardBrowser.start()) {
            ChromeDriver browser = dashboard.driver();
            dashboard.openWithKey(page, "test-key");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

            String minutes = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message[data-for=minute_counts]"))).getText();
            assertTrue(minutes.startsWith("Redshift is off: set tributary.redshift.enabled=true"), minutes);
            String hourly = browser.findElement(By.cssSelector(".message[data-for=hourly_rollup]")).getText();
            assertTrue(hourly.startsWith("Redshift is off"), hourly);
            String pipeline = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message[data-for=pipeline]"))).getText();
            assertTrue(pipeline.contains("run bin/generate 200 30"), "the empty state says how to send events: " + pipeline);
            assertEquals("0", browser.findElement(By.id("fig-received")).getText(), "the pipeline panel works without Redshift");
            String hours = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".message[data-for=hours]"))).getText();
            assertTrue(hours.contains("Lake operations API not available") || hours.startsWith("No hours"), hours);

            dashboard.screenshot("dashboard-redshift-off");
        }
    }
}
