// A real OpenID Connect provider for the sign-in tests: npm's oidc-provider (test-only
// devDependency), its development login pages, one confidential client (topp25) and two people
// whose role claims differ. Usage: node provider.mjs PORT RP_BASE_URL
// Prints "ready" once it listens. Nothing here is served to users.
import Provider from "oidc-provider";

const [port, rpBase] = process.argv.slice(2);
const issuer = `http://localhost:${port}`;

const people = {
  // A facilitator in the organisation's directory (the key is the login and the subject).
  leda: {
    email: "lena.ledare@example.se",
    given_name: "Lena",
    family_name: "Ledare",
    roles: ["topp25-samtalsledare", "personal"],
  },
  // Someone the organisation knows but who has no role in topp25.
  utan: {
    email: "uno.utan@example.se",
    given_name: "Uno",
    family_name: "Utan",
    roles: ["personal"],
  },
};

const plainPage = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "topp25",
      client_secret: "topp25-test-secret",
      redirect_uris: [`${rpBase}/accounts/oidc/callback/`],
      post_logout_redirect_uris: [`${rpBase}/`],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  scopes: ["openid", "email", "profile", "roles"],
  claims: {
    openid: ["sub"],
    email: ["email"],
    profile: ["given_name", "family_name"],
    roles: ["roles"],
  },
  async findAccount(ctx, id) {
    // The login typed on the development page is the subject (the development pages need
    // the two to be one).
    const person = people[id];
    if (!person) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...person } } };
  },
  cookies: { keys: ["topp25-oidc-test-cookie-key"] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // The library's own pages load a web font from a third-party host: plain pages instead.
      async logoutSource(ctx, form) {
        ctx.body = plainPage(
          "Sign out",
          `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = plainPage("Signed out", "<p>You are signed out.</p>");
      },
    },
  },
});

// A provider error is the test's business: say it on stderr.
provider.on("server_error", (ctx, error) => console.error("server_error", error));

provider.listen(Number(port), "127.0.0.1", () => {
  console.log("ready");
});
