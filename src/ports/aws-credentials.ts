/** Whether the default AWS credential chain (environment, profile, SSO, instance or task role) yields credentials. */
export interface AwsCredentialsProbe {
  /** 'found' or 'missing'; 'unknown' when the chain did not answer in time (an unreachable instance metadata service). */
  probe(): Promise<'found' | 'missing' | 'unknown'>;
}
