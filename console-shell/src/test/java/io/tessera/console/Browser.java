package io.tessera.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One headless Debian Chromium per test class, with the flags from the stack notes. */
final class Browser implements AutoCloseable {

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    Browser() throws IOException {
        profile = Files.createTempDirectory("console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + profile);
        // Keep the page's console messages: a failed test prints them beside its screenshot.
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 900));
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    }

    /** Saves what the browser shows to {@code dir/name.png} and returns the file. */
    Path screenshot(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** On a failed test, a screenshot under {@code console.screenshots}; its path goes to the report. */
    static final class ScreenshotOnFailure implements TestWatcher {
        private final java.util.function.Supplier<Browser> browser;

        ScreenshotOnFailure(java.util.function.Supplier<Browser> browser) {
            this.browser = browser;
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Browser b = browser.get();
            if (b == null) {
                return;
            }
            try {
                Path dir = Path.of(System.getProperty("console.screenshots", "target/failsafe-reports/screenshots"));
                Path file = b.screenshot(dir, context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
                System.out.println("[screenshot] " + context.getDisplayName() + " failed; the browser showed: " + file.toAbsolutePath()
                        + " at " + b.driver.getCurrentUrl());
                b.driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
                        .forEach(entry -> System.out.println("[browser console] " + entry.getLevel() + " " + entry.getMessage()));
            } catch (Exception e) {
                System.out.println("[screenshot] could not be taken: " + e);
            }
        }
    }
}
