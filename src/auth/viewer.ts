/** Who is asking: the subject of the credentials (null when anonymous) and the roles they grant. */
export interface Viewer {
  readonly subject: string | null;
  /**
   * The end user a bearer token speaks for (its `sub`): such a viewer reads personal data of that
   * user only (see auth-checker.ts). Null for API keys (service credentials) and anonymous clients.
   */
  readonly userId: string | null;
  readonly roles: ReadonlySet<string>;
}

/** Roles the gateway's resolvers check. `public` covers product reads and search. */
export const Roles = {
  public: 'public',
  /** A user's personal fields (email) and earnings: a user token's own, a service key's of any user. */
  personal: 'personal',
  /** With `personal`, a user token reads any user's personal data (support staff tools). */
  support: 'support',
  /** Internal analytics. */
  analyst: 'analyst',
  /** Operations staff: /readyz shows each dependency's state and error only to an API key with this role. */
  operator: 'operator',
} as const;

export const anonymousViewer = (anonymousAccess: boolean): Viewer => ({
  subject: null,
  userId: null,
  roles: new Set(anonymousAccess ? [Roles.public] : []),
});
