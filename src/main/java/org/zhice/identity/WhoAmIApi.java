package org.zhice.identity;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lets a machine client check its token: who it acts as, in which role, for which organisation. */
@RestController
class WhoAmIApi {

    @GetMapping("/api/whoami")
    Map<String, Object> whoami() {
        CurrentUser user = CurrentUser.require();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", user.username());
        body.put("role", user.role().name());
        body.put("organisation", user.orgUscc());
        return body;
    }
}
