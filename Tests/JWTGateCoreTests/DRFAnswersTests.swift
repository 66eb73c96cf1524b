import JWTGateCore
import Testing

@Suite("Answers the gateway writes itself")
struct DRFAnswersTests {
    @Test("HTTP dates are IMF-fixdate in GMT", arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"), (1_795_941_872, "Sun, 29 Nov 2026 08:44:32 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"), (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 GMT"),
    ])
    func httpDate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(unixSeconds: seconds) == text)
    }

    @Test("a successful token view sets Django's cookie when auth_cookie is configured")
    func cookie() {
        var config = JWTConfig()
        config.authCookie = "jwt"
        let answer = DRFAnswers(jwt: config).tokenIssued(
            IssuedToken(token: "a.b.c", user: TestSupport.alice, payload: JSONObject()), now: 1_795_941_572)
        #expect(answer.status == 200)
        #expect(answer.body == Array(#"{"token":"a.b.c"}"#.utf8))
        #expect(answer.header("Set-Cookie") == "jwt=a.b.c; expires=Sun, 29 Nov 2026 08:44:32 GMT; HttpOnly; Max-Age=300; Path=/")
        #expect(answer.header("Allow") == "POST, OPTIONS")
        #expect(answer.header("Content-Type") == "application/json")
    }

    @Test("response_fields add the user's fields in the configured order")
    func responseFields() {
        var config = JWTConfig()
        config.responseFields = [.token, .username, .user_id, .exp]
        let answer = DRFAnswers(jwt: config).tokenIssued(
            IssuedToken(token: "t", user: TestSupport.alice, payload: TestSupport.object(#"{"exp":5}"#)), now: 0)
        #expect(answer.body == Array(#"{"token":"t","username":"alice","user_id":1,"exp":5}"#.utf8))
        #expect(answer.header("Set-Cookie") == nil)
    }

    @Test("authentication failures carry WWW-Authenticate with the configured prefix")
    func unauthorized() {
        var config = JWTConfig()
        config.authHeaderPrefix = "Bearer"
        let answer = DRFAnswers(jwt: config).authenticationFailed("Signature has expired.")
        #expect(answer.status == 401)
        #expect(answer.header("WWW-Authenticate") == "Bearer realm=\"api\"")
        #expect(answer.body == Array(#"{"detail":"Signature has expired."}"#.utf8))
    }

    @Test("field errors keep the asked order; HEAD gets a 405 without a body")
    func inputErrors() {
        let answer = DRFAnswers(jwt: JWTConfig()).inputError(.fieldErrors([("username", ["This field is required."]),
                                                                            ("password", ["This field may not be blank."])]))
        #expect(answer.body == Array(#"{"username":["This field is required."],"password":["This field may not be blank."]}"#.utf8))
        #expect(DRFAnswers.tokenViewMethodNotAllowed("HEAD").body.isEmpty)
        #expect(DRFAnswers.tokenViewMethodNotAllowed("GET").body == Array(#"{"detail":"Method \"GET\" not allowed."}"#.utf8))
    }
}
