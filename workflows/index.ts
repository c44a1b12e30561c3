export { pingWorkflow } from './ping';
export { ticketWorkflow } from './ticket/workflow';
