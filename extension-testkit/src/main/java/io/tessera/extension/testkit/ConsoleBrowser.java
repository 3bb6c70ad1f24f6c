package io.tessera.extension.testkit;

import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian Chromium ({@code /usr/bin/chromium} through {@code /usr/bin/chromedriver}) for
 * tests of console pages: one per test class, started on first use and quit after the class; a
 * failed test leaves a screenshot (under {@code -Dconsole.screenshots}, default
 * {@code target/failsafe-reports/screenshots}) and prints the page's console messages.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ConsoleBrowser browser = new ConsoleBrowser();
 * ...
 * browser.signIn(kernel.baseUri(), "admin", "P@88w0rd");
 * browser.find(By.linkText("Cluster Status")).click();
 * }</pre>
 *
 * Needs {@code org.seleniumhq.selenium:selenium-java} on the test classpath (an optional
 * dependency of this kit).
 */
public final class ConsoleBrowser implements AfterAllCallback, TestWatcher, AutoCloseable {

    private final Duration timeout;
    private ChromeDriver driver;
    private WebDriverWait wait;
    private Path profile;

    /** Waits up to 20 seconds for what a page shows. */
    public ConsoleBrowser() {
        this(Duration.ofSeconds(20));
    }

    public ConsoleBrowser(Duration timeout) {
        this.timeout = timeout;
    }

    /** The browser, started on the first call. */
    public synchronized ChromeDriver driver() {
        if (driver == null) {
            try {
                profile = Files.createTempDirectory("console-chromium");
            } catch (IOException e) {
                throw new IllegalStateException("no temporary profile directory for Chromium", e);
            }
            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                    "--disable-quic", "--user-data-dir=" + profile);
            // keep the page's console messages: a failed test prints them beside its screenshot
            options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(1280, 900));
            wait = waiting(timeout);
        }
        return driver;
    }

    /** Waits the default time; a condition that meets a replaced element is evaluated again. */
    public WebDriverWait waiting() {
        driver();
        return wait;
    }

    /**
     * Waits {@code limit}. The console re-renders tables when their data arrives: an element found a
     * moment ago may be replaced before it is read, so a condition is simply evaluated again.
     */
    public WebDriverWait waiting(Duration limit) {
        WebDriverWait w = new WebDriverWait(driver(), limit);
        w.ignoring(StaleElementReferenceException.class);
        return w;
    }

    /** The element once it is visible. */
    public WebElement find(By by) {
        return waiting().until(visibilityOfElementLocated(by));
    }

    /** Opens the console's sign-in page at {@code base} and submits the user and password. */
    public void signIn(Object base, String user, String password) {
        driver().get(String.valueOf(base).replaceAll("/$", "") + "/#/login");
        // going to the same hash does not reload the page: empty what an earlier step typed
        find(By.id("username")).clear();
        find(By.id("username")).sendKeys(user);
        find(By.id("password")).clear();
        find(By.id("password")).sendKeys(password);
        find(By.id("login-submit")).click();
    }

    /** Signs in with a password that must be changed first (the bootstrap admin's) and changes it; ends on the overview. */
    public void signInChangingPassword(Object base, String user, String password, String newPassword) {
        signIn(base, user, password);
        waiting().until(urlContains("#/password"));
        find(By.id("current-password")).sendKeys(password);
        find(By.id("new-password")).sendKeys(newPassword);
        find(By.id("confirm-password")).sendKeys(newPassword);
        find(By.id("password-submit")).click();
        waiting().until(textToBe(By.id("overview-user"), user));
    }

    /** What the page's console said. */
    public String consoleLog() {
        StringBuilder b = new StringBuilder();
        driver().manage().logs().get(LogType.BROWSER).forEach(e -> b.append(e.getLevel()).append(' ').append(e.getMessage()).append('\n'));
        return b.toString();
    }

    /** Saves what the browser shows to {@code dir/name.png} and returns the file. */
    public Path screenshot(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        Files.write(file, driver().getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver == null) {
            return;
        }
        try {
            Path dir = Path.of(System.getProperty("console.screenshots", "target/failsafe-reports/screenshots"));
            Path file = screenshot(dir, context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
            System.out.println("[screenshot] " + context.getDisplayName() + " failed; the browser showed: " + file.toAbsolutePath()
                    + " at " + driver.getCurrentUrl());
            System.out.print(consoleLog().lines().map(l -> "[browser console] " + l + "\n").reduce("", String::concat));
        } catch (Exception e) {
            System.out.println("[screenshot] could not be taken: " + e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                profile = null;
            }
        }
    }
}
