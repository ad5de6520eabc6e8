import { ApprovalType, type CreateCatalogItemDto, LAPTOP_FORM_SCHEMA_EXAMPLE, type SubmitServiceRequestDto } from '@itsm/contracts';

let counter = 0;

/** A catalog item definition (a laptop with a small form); no approval unless the overrides ask for one. */
export function buildCatalogItem(overrides: Partial<CreateCatalogItemDto> = {}): CreateCatalogItemDto {
  counter += 1;
  return {
    name: `Laptop model ${counter}`,
    description: 'A laptop for a new hire or a replacement for a broken one.',
    category: 'hardware',
    formSchema: structuredClone(LAPTOP_FORM_SCHEMA_EXAMPLE),
    approval: { type: ApprovalType.None },
    fulfillmentGroup: 'it-hardware',
    expectedDeliveryHours: 72,
    ...overrides,
  };
}

/** Answers that fit the form of {@link buildCatalogItem}. */
export function buildLaptopAnswers(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { laptopModel: 'developer-16', keyboardLayout: 'de-CH', ...overrides };
}

/** A submission for an item built by {@link buildCatalogItem}. */
export function buildSubmitRequest(itemId: string, overrides: Partial<SubmitServiceRequestDto> = {}): SubmitServiceRequestDto {
  return { itemId, answers: buildLaptopAnswers(), ...overrides };
}
