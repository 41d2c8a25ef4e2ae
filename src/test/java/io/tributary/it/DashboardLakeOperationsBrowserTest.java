package io.tributary.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.tributary.local.GlueStandInResource;
import io.tributary.sealing.RawHours;

/**
 * The hour states panel of the dashboard in headless Chromium against the application on the Glue, S3, Kinesis, Athena
 * and Redshift stand-ins: a past raw hour is sealed, curated by the real Glue job and rolled up; its row shows the Glue run
 * and Athena query; the Re-curate button re-runs Glue for it and the row follows the run without a reload, the page shows
 * the API's refusal while the run is in flight, the Redshift rows stay the same, and History lists the transitions.
 */
@QuarkusTest
@TestProfile(DashboardLakeOperationsBrowserTest.OwnStandIns.class)
class DashboardLakeOperationsBrowserTest {

    /** The stand-ins of LakeOperationsApiTest, in an application of its own (a profile of its own restarts it). */
    public static class OwnStandIns extends LakeOperationsApiTest.OwnStandIns {
    }

    static final String KEY = LakeOperationsApiTest.KEY;

    DashboardBrowser dashboard;

    @TestHTTPResource("/dashboard/")
    URL page;

    @Inject
    @DataSource("redshift")
    AgroalDataSource redshift;

    @AfterEach
    void releaseHeldRunsAndCloseTheBrowser() throws IOException {
        GlueStandInResource.server().releaseRuns();
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void theReCurateButtonReRunsGlueForTheHourAndTheRowFollowsItWithoutAReload() throws Exception {
        // four hours back: not the hour of LakeOperationsApiTest, whose Glue runs this JVM's stand-in also counts
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.HOURS);
        String hour = RawHours.of(start);
        LakeOperationsApiTest.writeRawHour(start, 40);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> "rolled_up".equals(LakeOperationsApiTest.state(hour)));
        Map<String, Object> first = LakeOperationsApiTest.hourRow(hour);
        String firstRun = (String) first.get("glue_run_id");
        String firstQuery = (String) first.get("athena_query_id");
        assertNotNull(firstRun);
        assertNotNull(firstQuery);
        Instant from = start.minus(1, ChronoUnit.HOURS);
        Instant to = start.plus(2, ChronoUnit.HOURS);
        Map<String, List<String>> rows = RollupComputation.actual(redshift, from, to);
        assertFalse(rows.get("hourly_rollup").isEmpty(), "rolled up into Redshift: " + rows);

        // the row as the page draws it: rolled up, with the Glue run and the Athena query
        dashboard = DashboardBrowser.start();
        dashboard.openWithKey(page, KEY);
        dashboard.js("window.__notReloaded = true; return true;");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> row(hour) != null);
        assertEquals(List.of("rolled_up", firstRun, firstQuery, false), row(hour));
        // every state and Glue run the row shows from now on, however briefly
        dashboard.js("""
                const hour = arguments[0];
                window.__seen = [];
                const note = () => {
                  const tr = document.querySelector(`#hours-table tr[data-hour="${hour}"]:not(.history)`);
                  if (!tr) return;
                  const seen = `${tr.querySelector('.state').classList[1]} ${tr.cells[2].textContent}`;
                  if (window.__seen[window.__seen.length - 1] !== seen) window.__seen.push(seen);
                };
                new MutationObserver(note).observe(document.querySelector('#hours-table tbody'), { childList: true, subtree: true });
                note();
                return true;""", hour);

        // Re-curate, the Glue run held in RUNNING: the row goes sealed/curating with the new run, its button disabled
        GlueStandInResource.server().holdRuns();
        click(By.cssSelector("#hours-table tr[data-hour='" + hour + "'] button[data-action=recurate]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !opsResult().isEmpty());
        assertEquals("Re-curate accepted for " + hour, opsResult(), "the API's answer is shown");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> "curating".equals(row(hour).get(0)) && !firstRun.equals(row(hour).get(1)));
        String secondRun = (String) row(hour).get(1);
        assertEquals(GlueStandInResource.server().runsFor(hour).get(1).id(), secondRun);
        assertEquals(true, row(hour).get(3), "Re-curate is disabled while the hour's Glue run is in flight");

        // asked again while that run is in flight: the page shows the API's 409 and why
        String busy = "hour " + hour + " is curating (Glue run " + secondRun + "); try again when it ends";
        browser().findElement(By.id("range-from")).clear();
        browser().findElement(By.id("range-from")).sendKeys(hour);
        browser().findElement(By.id("range-to")).clear();
        browser().findElement(By.id("range-to")).sendKeys(hour);
        click(By.cssSelector("#range-form button[data-action=recurate]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> opsResult().contains("refused"));
        assertEquals("Re-curate of " + hour + "…" + hour + " refused: " + busy, opsResult());
        assertEquals(Boolean.TRUE, dashboard.js("return document.getElementById('ops-result').classList.contains('error')"));
        click(By.cssSelector("#hours-table tr[data-hour='" + hour + "'] button[data-action=rollup]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> opsResult().startsWith("Re-roll-up"));
        assertTrue(opsResult().startsWith("Re-roll-up of " + hour + " refused: hour " + hour + " is curating"), opsResult());

        // released: curated by the second run and rolled up again, seen by the page without a reload
        GlueStandInResource.server().releaseRuns();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "rolled_up".equals(row(hour).get(0)) && !firstQuery.equals(row(hour).get(2)));
        assertEquals(secondRun, row(hour).get(1), "the new Glue run");
        assertEquals(false, row(hour).get(3), "Re-curate enabled again");
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) dashboard.js("return window.__seen");
        assertEquals("rolled_up " + firstRun, seen.get(0), seen.toString());
        assertEquals("curating " + secondRun, seen.stream().filter(s -> s.startsWith("curating")).findFirst().orElse(null), seen.toString());
        assertEquals("rolled_up " + secondRun, seen.get(seen.size() - 1), seen.toString());
        assertTrue(seen.indexOf("curating " + secondRun) < seen.indexOf("rolled_up " + secondRun), seen.toString());
        assertEquals(Boolean.TRUE, dashboard.js("return window.__notReloaded === true"), "followed in place, not reloaded");
        assertEquals(2, GlueStandInResource.server().runsFor(hour).size(), "one more Glue run, no other");
        assertEquals(rows, RollupComputation.actual(redshift, from, to), "the same Redshift rows: the rerun replaced them");

        // History: the transitions of both runs, oldest first, as the API lists them
        click(By.cssSelector("#hours-table tr[data-hour='" + hour + "'] button[data-action=history]"));
        WebElement history = new WebDriverWait(browser(), Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#hours-table tr.history[data-hour='" + hour + "']")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) dashboard.js("""
                return [...arguments[0].querySelectorAll('ol.transitions li')].map((li) => ({
                  state: li.querySelector('.state').classList[1],
                  run: li.querySelector('.run code') ? li.querySelector('.run code').textContent : null,
                  detail: li.querySelector('.detail') ? li.querySelector('.detail').textContent : null }));""", history);
        List<Map<String, Object>> transitions = given().header("X-Api-Key", KEY).when().get("/api/hours/" + hour + "/history")
                .then().statusCode(200).extract().jsonPath().getList("$");
        List<Object> states = lines.stream().map(l -> l.get("state")).toList();
        assertEquals(transitions.stream().map(t -> t.get("state")).toList(), states, "as the API lists them: " + lines);
        assertEquals(List.of("sealed", "curating", "curated", "curated", "rolled_up", "sealed", "sealed", "curating", "curated",
                "curated", "rolled_up"), states, lines.toString());
        assertEquals(firstRun, lines.get(1).get("run"), lines.toString());
        assertEquals("re-curation requested", lines.get(5).get("detail"), lines.toString());
        assertEquals(secondRun, lines.get(7).get("run"), lines.toString());
        assertTrue(history.getText().contains("re-curation requested"), history.getText());

        dashboard.screenshot("dashboard-hour-states", browser().findElement(By.id("hours")));
    }

    /** The hour's row as drawn: state, Glue run, Athena query, whether Re-curate is disabled; null when not drawn. */
    @SuppressWarnings("unchecked")
    private List<Object> row(String hour) {
        return (List<Object>) dashboard.js("""
                const tr = document.querySelector(`#hours-table tr[data-hour="${arguments[0]}"]:not(.history)`);
                if (!tr) return null;
                return [tr.querySelector('.state').classList[1], tr.cells[2].textContent, tr.cells[3].textContent,
                  tr.querySelector('button[data-action=recurate]').disabled];""", hour);
    }

    private String opsResult() {
        return browser().findElement(By.id("ops-result")).getText();
    }

    /** Clicks like a user, again if the table was redrawn between finding the button and clicking it. */
    private void click(By button) {
        new WebDriverWait(browser(), Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    d.findElement(button).click();
                    return true;
                });
    }

    private ChromeDriver browser() {
        return dashboard.driver();
    }
}
