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
    sessionIssuer?: { type?: string; principalId?: string; arn?: string; accountId?: string; userName?: string };
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
  };
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
}

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
