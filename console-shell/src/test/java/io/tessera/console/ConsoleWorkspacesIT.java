package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;

import io.tessera.extension.testkit.ConsoleBrowser;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 8's tenancy flow in Chromium: the admin creates a workspace and a project in it, and
 * invites a member, through the tenancy API (issue 5); then every tab of the project: overview,
 * members, roles, quota and limit range, workloads, services, config maps (with the YAML editor)
 * and secrets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleWorkspacesIT {

    @TempDir
    static Path dataDir;
    static Kernel kernel;

    @RegisterExtension
    static final ConsoleBrowser browser = new ConsoleBrowser();
    static String base;

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        base = kernel.baseUri().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    static void submitDialog() {
        browser.find(By.cssSelector("dialog button[type=submit]")).click();
    }

    @Test
    @Order(1)
    void adminSignsInAndCreatesAUserToInvite() {
        browser.signInChangingPassword(base, "admin", "P@88w0rd", "Tessera-Adm1n!");
        browser.find(By.linkText("Users")).click();
        browser.find(By.id("create-user")).click();
        browser.find(By.id("f-name")).sendKeys("bob");
        browser.find(By.id("f-email")).sendKeys("bob@example.com");
        browser.find(By.id("f-password")).sendKeys("Bob-Passw0rd1");
        submitDialog();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#users-table tr[data-user=bob]")));
    }

    @Test
    @Order(2)
    void adminCreatesAWorkspace() {
        browser.find(By.linkText("Workspaces")).click();
        browser.find(By.id("create-workspace")).click();
        browser.find(By.id("f-name")).sendKeys("demo-ws");
        browser.find(By.id("f-manager")).sendKeys("admin");
        submitDialog();
        browser.find(By.linkText("demo-ws")).click();
        browser.waiting().until(textToBe(By.id("page-title"), "demo-ws"));
    }

    @Test
    @Order(3)
    void adminCreatesAProjectInTheWorkspace() {
        browser.find(By.id("create-project")).click();
        browser.find(By.id("f-name")).sendKeys("demo-project");
        submitDialog();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#projects-table tr[data-project=demo-project]")));
    }

    @Test
    @Order(4)
    void adminInvitesAMemberToTheWorkspace() throws Exception {
        browser.find(By.xpath("//button[@role='tab' and text()='Members']")).click();
        browser.find(By.id("invite-member")).click();
        browser.find(By.id("f-username")).sendKeys("bob");
        // The workspace's roles come from the tenancy controller's copies of the built-in roles.
        browser.waiting().until(d -> new Select(d.findElement(By.id("f-role"))).getOptions().stream()
                .anyMatch(o -> o.getText().equals("demo-ws-regular")));
        new Select(browser.find(By.id("f-role"))).selectByVisibleText("demo-ws-regular");
        submitDialog();
        WebElement row = browser.waiting().until(presenceOfElementLocated(By.cssSelector("#members-table tr[data-member=bob]")));
        assertThat(row.getText()).contains("demo-ws-regular");
        browser.find(By.xpath("//button[@role='tab' and text()='Projects']")).click();
        browser.waiting().until(presenceOfElementLocated(By.cssSelector("#projects-table tr[data-project=demo-project]")));
        String dir = System.getProperty("console.docImages");
        if (dir != null && !dir.isBlank()) {
            browser.screenshot(Path.of(dir), "console-workspace");
        }
    }

    /** A call as the admin through the public API (objects the console only lists, such as quotas). */
    static HttpResponse<String> asAdmin(String method, String path, String body) throws Exception {
        return new PlatformApi(base, "admin", "Tessera-Adm1n!").send(method, path, body);
    }

    static void tab(String label) {
        browser.find(By.xpath("//button[@role='tab' and text()='" + label + "']")).click();
        browser.waiting().until(d -> "true".equals(d.findElement(By.xpath("//button[@role='tab' and text()='" + label + "']")).getAttribute("aria-selected")));
    }

    static WebElement row(String table, String name) {
        return browser.waiting().until(presenceOfElementLocated(By.cssSelector("#" + table + " tr[data-name='" + name + "']")));
    }

    @Test
    @Order(5)
    void projectOverviewNamesItsWorkspaceAndPhase() {
        browser.find(By.linkText("demo-project")).click();
        browser.waiting().until(textToBe(By.id("page-title"), "demo-project"));
        browser.waiting().until(d -> d.findElement(By.id("tab-panel")).getText().contains("demo-ws"));
        assertThat(browser.find(By.id("tab-panel")).getText()).contains("Active");
    }

    @Test
    @Order(6)
    void adminInvitesTheWorkspaceMemberToTheProjectAsViewer() {
        tab("Members");
        browser.find(By.id("invite-project-member")).click();
        browser.find(By.id("f-username")).sendKeys("bob");
        browser.waiting().until(d -> new Select(d.findElement(By.id("f-role"))).getOptions().stream().anyMatch(o -> o.getText().equals("viewer")));
        new Select(browser.find(By.id("f-role"))).selectByVisibleText("viewer");
        submitDialog();
        browser.waiting().until(d -> d.findElement(By.id("project-members-table")).getText().contains("bob"));
        WebElement bob = browser.find(By.xpath("//table[@id='project-members-table']//tr[td[1][text()='bob']]"));
        assertThat(bob.getText()).contains("viewer");
    }

    @Test
    @Order(7)
    void projectRolesListTheBuiltInRoles() {
        tab("Roles");
        browser.waiting().until(d -> d.findElement(By.id("project-roles-table")).getText().contains("viewer"));
        assertThat(browser.find(By.id("project-roles-table")).getText()).contains("admin").contains("operator");
    }

    @Test
    @Order(8)
    void quotaTabShowsTheProjectsQuotaAndLimitRange() throws Exception {
        HttpResponse<String> quota = asAdmin("POST", "/api/v1/namespaces/demo-project/resourcequotas",
                "{\"apiVersion\":\"v1\",\"kind\":\"ResourceQuota\",\"metadata\":{\"name\":\"demo-quota\"},\"spec\":{\"hard\":{\"limits.cpu\":\"2\"}}}");
        assertThat(quota.statusCode()).as(quota.body()).isEqualTo(201);
        HttpResponse<String> limits = asAdmin("POST", "/api/v1/namespaces/demo-project/limitranges",
                "{\"apiVersion\":\"v1\",\"kind\":\"LimitRange\",\"metadata\":{\"name\":\"demo-limits\"},\"spec\":{\"limits\":"
                        + "[{\"type\":\"Container\",\"default\":{\"cpu\":\"500m\"}}]}}");
        assertThat(limits.statusCode()).as(limits.body()).isEqualTo(201);
        tab("Quota");
        browser.waiting().until(d -> d.findElement(By.id("tab-panel")).getText().contains("demo-quota"));
        String panel = browser.find(By.id("tab-panel")).getText();
        assertThat(panel).contains("limits.cpu: 2").contains("demo-limits").contains("Container cpu: 500m");
    }

    @Test
    @Order(9)
    void aDeploymentCreatedOnTheEmbeddedClusterShowsItHasNoPods() {
        tab("Workloads");
        browser.find(By.id("create-deployments")).click();
        browser.find(By.id("f-name")).sendKeys("web");
        browser.find(By.id("f-image")).sendKeys("nginx:1.27");
        browser.find(By.id("f-replicas")).clear();
        browser.find(By.id("f-replicas")).sendKeys("2");
        submitDialog();
        assertThat(row("deployments-table", "web").getText()).contains("0/2 pods ready");
    }

    @Test
    @Order(10)
    void aServiceIsCreatedAndDeleted() {
        tab("Services");
        browser.find(By.id("create-services")).click();
        browser.find(By.id("f-name")).sendKeys("web");
        browser.find(By.id("f-port")).sendKeys("80");
        browser.find(By.id("f-app")).sendKeys("web");
        submitDialog();
        row("services-table", "web");
        browser.find(By.cssSelector("button[aria-label='Delete web']")).click();
        browser.waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent()).accept();
        browser.waiting().until(invisibilityOfElementLocated(By.cssSelector("#services-table tr[data-name=web]")));
    }

    @Test
    @Order(11)
    void aConfigMapIsCreatedThenEditedAsYaml() {
        tab("Config maps");
        browser.find(By.id("create-configmaps")).click();
        browser.find(By.id("f-name")).sendKeys("settings");
        browser.find(By.id("f-key")).sendKeys("mode");
        browser.find(By.id("f-value")).sendKeys("fast");
        submitDialog();
        assertThat(row("configmaps-table", "settings").getText()).contains("1 keys");
        browser.find(By.cssSelector("button[aria-label='YAML settings']")).click();
        WebElement text = browser.find(By.id("f-yaml"));
        assertThat(text.getAttribute("value")).contains("\"mode\": \"fast\"");
        // Edit the object as the API returned it: one more key, saved with PUT.
        browser.driver().executeScript("const t = document.getElementById('f-yaml'); const o = JSON.parse(t.value);"
                + " o.data.level = 'high'; t.value = JSON.stringify(o, null, 2);");
        submitDialog();
        browser.waiting().until(d -> d.findElement(By.cssSelector("#configmaps-table tr[data-name=settings]")).getText().contains("2 keys"));
    }

    @Test
    @Order(12)
    void invalidYamlEditKeepsTheDialogOpenWithTheError() {
        browser.find(By.cssSelector("button[aria-label='YAML settings']")).click();
        browser.find(By.id("f-yaml"));
        browser.driver().executeScript("const t = document.getElementById('f-yaml'); const o = JSON.parse(t.value);"
                + " o.metadata.name = 'renamed'; t.value = JSON.stringify(o, null, 2);");
        submitDialog();
        browser.waiting().until(d -> !d.findElement(By.cssSelector("dialog .error")).getText().isEmpty());
        browser.find(By.xpath("//dialog//button[text()='Cancel']")).click();
        browser.waiting().until(invisibilityOfElementLocated(By.tagName("dialog")));
        row("configmaps-table", "settings");
    }

    @Test
    @Order(13)
    void aSecretIsCreatedAndDeleted() {
        tab("Secrets");
        browser.find(By.id("create-secrets")).click();
        browser.find(By.id("f-name")).sendKeys("token");
        browser.find(By.id("f-key")).sendKeys("password");
        browser.find(By.id("f-value")).sendKeys("s3cret");
        submitDialog();
        assertThat(row("secrets-table", "token").getText()).contains("1 keys");
        browser.find(By.cssSelector("button[aria-label='Delete token']")).click();
        browser.waiting().until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent()).accept();
        browser.waiting().until(invisibilityOfElementLocated(By.cssSelector("#secrets-table tr[data-name=token]")));
    }
}
