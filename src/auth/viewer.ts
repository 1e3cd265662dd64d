/** Who is asking: the subject of the credentials (null when anonymous) and the roles they grant. */
export interface Viewer {
  readonly subject: string | null;
  readonly roles: ReadonlySet<string>;
}

/** Roles the gateway's resolvers check. `public` covers product reads and search. */
export const Roles = {
  public: 'public',
  /** A user's personal fields (email) and earnings. */
  personal: 'personal',
  /** Internal analytics. */
  analyst: 'analyst',
} as const;

export const anonymousViewer = (anonymousAccess: boolean): Viewer => ({
  subject: null,
  roles: new Set(anonymousAccess ? [Roles.public] : []),
});
