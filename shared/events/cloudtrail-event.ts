/**
 * CloudTrail management events as EventBridge delivers them (detail-type "AWS API Call via CloudTrail").
 * Shapes follow the CloudTrail record contents reference; only the fields Tripline reads are typed strictly.
 */

export interface CloudTrailUserIdentity {
  type: string; // Root | IAMUser | AssumedRole | FederatedUser | AWSService | AWSAccount | IdentityCenterUser | Unknown
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: {
    sessionIssuer?: {
      type?: string;
      principalId?: string;
      arn?: string;
      accountId?: string;
      userName?: string;
    };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    /** Present for web identity federation (`AssumeRoleWithWebIdentity` sessions). */
    webIdFederationData?: { federatedProvider?: string; attributes?: Record<string, unknown> };
    sourceIdentity?: string;
  };
  /** IdentityCenterUser requests: the Identity Center user the call was made for. */
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
}

/** One entry of a record's `resources` list (present on some management and all data events). */
export interface CloudTrailResource {
  ARN?: string;
  accountId?: string;
  type?: string;
}

export interface CloudTrailDetail {
  eventVersion: string;
  userIdentity: CloudTrailUserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  requestID?: string;
  eventID: string;
  readOnly?: boolean;
  eventType: string;
  managementEvent?: boolean;
  recipientAccountId?: string;
  eventCategory?: string;
  /** Same id on every copy of an event CloudTrail delivers to more than one account. */
  sharedEventID?: string;
  resources?: CloudTrailResource[];
  additionalEventData?: Record<string, unknown>;
  /** `"true"` when the session's credentials came from the AWS Management Console. */
  sessionCredentialFromConsole?: string;
  tlsDetails?: { tlsVersion?: string; cipherSuite?: string; clientProvidedHostHeader?: string };
  vpcEndpointId?: string;
}

/** A raw CloudTrail record, as in a log file's `Records` array: the `detail` of the EventBridge event. */
export type CloudTrailRecord = CloudTrailDetail;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The EventBridge envelope around a CloudTrail record. */
export interface CloudTrailEvent {
  version: string;
  id: string;
  'detail-type': 'AWS API Call via CloudTrail';
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: CloudTrailDetail;
}
