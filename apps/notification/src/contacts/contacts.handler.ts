import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ContactSubRequest, type ContactView, NotificationRpc, type PutContactRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ContactsService } from './contacts.service';

/** NATS RPC of the contacts directory. */
@Controller()
export class ContactsHandler {
  constructor(private readonly contacts: ContactsService) {}

  @RpcHandler(NotificationRpc.putContact)
  put(@Payload() request: PutContactRequest): Promise<ContactView> {
    return this.contacts.put(request, currentActor());
  }

  @RpcHandler(NotificationRpc.getContact)
  get(@Payload() request: ContactSubRequest): Promise<ContactView> {
    return this.contacts.get(request.sub);
  }
}
