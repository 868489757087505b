import { describe, expect, it } from 'vitest';
import { inputText, requestedLanguages } from '../../support/fake-openai.js';

describe('fake OpenAI request parsing', () => {
  it('reads target languages from the JSON schema, else from the prompt', () => {
    const schema = { response_format: { json_schema: { schema: { properties: { translations: { required: ['es', 'pt-BR'] } } } } } };
    expect(requestedLanguages(schema)).toEqual(['es', 'pt-BR']);
    const prompt = { messages: [{ role: 'system', content: 'Translate into each of these target languages (codes are BCP 47): es (Spanish), fr (French).' }] };
    expect(requestedLanguages(prompt)).toEqual(['es', 'fr']);
    expect(requestedLanguages({})).toEqual([]);
  });

  it('strips the delimiter lines around the message, and only those', () => {
    expect(inputText({ messages: [{ role: 'user', content: '<message-ab12>\nline 1\nline 2\n</message-ab12>' }] })).toBe('line 1\nline 2');
    expect(inputText({ messages: [{ role: 'user', content: '<b>\nnot a delimiter\n</i>' }] })).toBe('<b>\nnot a delimiter\n</i>');
    expect(inputText({ messages: [{ role: 'user', content: [{ type: 'text', text: 'parts' }] }] })).toBe('parts');
  });
});
