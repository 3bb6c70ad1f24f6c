package io.tessera.kernel.routing;

import io.tessera.kernel.http.Status;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The one servlet of the kernel: hands each request to the application mounted for its path. */
public final class RoutingServlet extends HttpServlet {

    private final transient RouteTable table;

    public RoutingServlet(RouteTable table) {
        this.table = table;
    }

    @Override
    public void init() {
        table.attach(getServletContext());
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String path = RouteTable.decodedPath(request);
        AppSlot slot = table.lookup(path);
        if (slot == null || !slot.service(request, response)) {
            notFound(path, response);
        }
    }

    static void notFound(String path, HttpServletResponse response) throws IOException {
        Status status = Status.notFound("no API is served at " + path);
        response.setStatus(status.code());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(status.toJson());
    }
}
