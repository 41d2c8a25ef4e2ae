package io.tributary.dashboard;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Sends {@code /dashboard} to {@code /dashboard/}, where the static page lives, so its relative links resolve. A Vert.x
 * route, not a Camel one: a platform-http consumer on /dashboard would also take /dashboard/ (Vert.x ignores a trailing
 * slash) and could not hand it on to the static files.
 */
@ApplicationScoped
public class DashboardPage {

    void route(@Observes Router router) {
        router.get("/dashboard").handler(rc -> {
            if ("/dashboard".equals(rc.normalizedPath())) {
                rc.redirect("/dashboard/");
            } else {
                rc.next();
            }
        });
    }
}
