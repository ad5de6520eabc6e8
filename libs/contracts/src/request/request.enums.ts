/** Life of a service request; `rejected`, `closed` and `canceled` are final. */
export enum RequestState {
  Submitted = 'submitted',
  AwaitingApproval = 'awaiting_approval',
  Approved = 'approved',
  Rejected = 'rejected',
  InFulfillment = 'in_fulfillment',
  Fulfilled = 'fulfilled',
  Closed = 'closed',
  Canceled = 'canceled',
}

/** Who has to approve a request for a catalog item before it is fulfilled. */
export enum ApprovalType {
  /** Approved as soon as it is submitted. */
  None = 'none',
  /** The requester's manager (the `manager` claim of their token). */
  Manager = 'manager',
  /** Any one member of a group; the first decision settles it. */
  Group = 'group',
  /** `required` of the named `approvers`. */
  NOfM = 'n_of_m',
}

/** One approver's (or one group's) answer. */
export enum ApprovalDecision {
  Pending = 'pending',
  Approved = 'approved',
  Rejected = 'rejected',
  /** Still undecided when the request was settled (enough approvals, a rejection) or canceled. */
  NoLongerRequired = 'no_longer_required',
}

export enum CatalogItemStatus {
  Active = 'active',
  Retired = 'retired',
}

export enum FulfillmentTaskState {
  Open = 'open',
  Completed = 'completed',
}

/** `internal` comments are for the people working the request; the requester never sees them. */
export enum RequestCommentVisibility {
  Public = 'public',
  Internal = 'internal',
}
