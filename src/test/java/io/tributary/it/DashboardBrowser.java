package io.tributary.it;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.tributary.local.HeadlessChromium;

/** The dashboard page in headless Chromium, as the browser tests drive it: opened with the key, scripted, photographed. */
final class DashboardBrowser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final HeadlessChromium chromium;
    private final ChromeDriver driver;

    private DashboardBrowser(HeadlessChromium chromium) {
        this.chromium = chromium;
        this.driver = chromium.driver();
    }

    static DashboardBrowser start() throws IOException {
        Files.createDirectories(SCREENSHOTS);
        return new DashboardBrowser(HeadlessChromium.start());
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Opens the page in a tab with no key stored (tests share the browser) and answers its key prompt. */
    void openWithKey(URL page, String key) {
        driver.get(page.toString());
        js("sessionStorage.clear(); return true;");
        driver.navigate().refresh();
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("key-input"))).sendKeys(key);
        driver.findElement(By.id("key-submit")).click();
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The whole page, not only the viewport: the window grows to the document's height first. */
    Path screenshot(String name) throws IOException {
        for (int i = 0; i < 2; i++) {
            long height = ((Number) js("return document.documentElement.scrollHeight")).longValue();
            driver.manage().window().setSize(new Dimension(1440, (int) Math.min(4000, Math.max(900, height + 150))));
        }
        return write(name, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** One element of the page, e.g. a panel. */
    Path screenshot(String name, WebElement element) throws IOException {
        js("arguments[0].scrollIntoView({block: 'start'}); return true;", element);
        return write(name, element.getScreenshotAs(OutputType.BYTES));
    }

    private static Path write(String name, byte[] png) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, png);
        return file;
    }

    @Override
    public void close() throws IOException {
        chromium.close();
    }
}
